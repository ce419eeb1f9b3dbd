"""Katalog Inovasi Pelayanan Publik: a static site generator for a catalogue of
Indonesian public-service innovations.

The build is one straight pipeline (see :mod:`katalog.pipeline`): load the
files, check them, assemble the model, plan and render pages, write the site,
index it for search.
"""

__version__ = "0.1.0"
