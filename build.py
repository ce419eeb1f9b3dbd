#!/usr/bin/env python3
"""Katalog Inovasi Pelayanan Publik: build, check or preview the site.

python build.py                 build content/ into public/
python build.py check           check content/ and print every problem
python build.py serve           preview on http://127.0.0.1:8000/
"""

import sys

from katalog.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
