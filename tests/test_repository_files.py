"""The files GitHub reads: workflows, the issue form, the pull-request template, CONTRIBUTING.md.

The build never reads them, so nothing else notices when they drift from the schema, from the
commands README.md documents or from the shipped profile CONTRIBUTING.md walks through. Fast and
offline: YAML and text only, plus one in-process ``check`` of a broken copy of the shipped content.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from katalog import config, schema

from .helpers import PROJECT, SHIPPED, make_site, run

GITHUB = PROJECT / ".github"
WORKFLOWS = GITHUB / "workflows"
ISSUE_FORM = GITHUB / "ISSUE_TEMPLATE" / "usulkan-inovasi.yml"
CONTRIBUTING = PROJECT / "CONTRIBUTING.md"
README = PROJECT / "README.md"
EXAMPLE_PROFILE = SHIPPED / "innovations" / "cek-dan-sadari.md"

# Required profile fields a proposer cannot know: the date a maintainer last reviewed the profile.
MAINTAINER_ONLY = {"updated"}

# The broken copy CONTRIBUTING.md shows: a misspelt field name and a status written in Indonesian.
BROKEN_EXAMPLE = {"summary: >-": "sumary: >-", "status: active": "status: aktif"}


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def workflow(name: str) -> dict[str, Any]:
    data: dict[Any, Any] = load_yaml(WORKFLOWS / name)
    # YAML 1.1 reads the key `on` as the boolean true.
    data["on"] = data.pop(True, data.get("on"))
    return data


def steps(flow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in flow["jobs"].values() for step in job["steps"]]


def run_scripts(flow: dict[str, Any]) -> list[str]:
    return [step["run"] for step in steps(flow) if "run" in step]


def step_index(flow: dict[str, Any], needle: str) -> int:
    """Position of the first step whose script contains ``needle``."""
    for index, step in enumerate(steps(flow)):
        if needle in step.get("run", ""):
            return index
    raise AssertionError(f"no step runs {needle!r}")


def action_steps(flow: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [step for step in steps(flow) if step.get("uses", "").split("@")[0] == action]


# --- every file ------------------------------------------------------------------------------


def test_every_github_yaml_file_parses() -> None:
    files = sorted(p for p in GITHUB.rglob("*") if p.suffix in {".yml", ".yaml"})
    assert {p.name for p in files} >= {"check.yml", "deploy.yml", "usulkan-inovasi.yml", "config.yml"}
    for path in files:
        assert isinstance(load_yaml(path), dict), path


def test_actions_are_pinned_to_a_major_version() -> None:
    for path in sorted(WORKFLOWS.glob("*.yml")):
        for step in steps(workflow(path.name)):
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+", step["uses"]), (path.name, step["uses"])


# --- the pull-request check --------------------------------------------------------------------


def test_check_workflow_triggers_and_permissions() -> None:
    flow = workflow("check.yml")
    assert set(flow["on"]) == {"pull_request", "workflow_dispatch"}
    assert flow["permissions"] == {"contents": "read"}
    assert all(job["runs-on"] == "ubuntu-latest" for job in flow["jobs"].values())
    (python,) = action_steps(flow, "actions/setup-python")
    assert python["with"]["python-version"] == "3.11"
    assert action_steps(flow, "actions/checkout")


def test_check_workflow_tests_checks_and_compares_the_sites() -> None:
    flow = workflow("check.yml")
    order = [
        step_index(flow, "./dev test"),
        step_index(flow, "build.py check --format github"),
        step_index(flow, "git worktree add"),
        step_index(flow, "build.py diff"),
    ]
    assert order == sorted(order)
    diff = next(script for script in run_scripts(flow) if "build.py diff" in script)
    assert "--format markdown" in diff
    assert '>> "$GITHUB_STEP_SUMMARY"' in diff
    # The base branch is fetched, then built from its own worktree.
    scripts = "\n".join(run_scripts(flow))
    assert "git fetch" in scripts
    base = next(script for script in run_scripts(flow) if "git worktree add" in script)
    assert "build.py build" in base


def test_content_notes_appear_even_when_a_test_failed() -> None:
    """Content errors also fail the test suite; the annotations must still be written."""
    flow = workflow("check.yml")
    check = steps(flow)[step_index(flow, "build.py check --format github")]
    assert "!cancelled()" in check["if"]


# --- publishing --------------------------------------------------------------------------------


def test_deploy_workflow_publishes_main_to_pages() -> None:
    flow = workflow("deploy.yml")
    assert flow["on"]["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in flow["on"]
    assert flow["permissions"] == {"pages": "write", "id-token": "write", "contents": "read"}
    concurrency = flow["concurrency"]
    assert (concurrency["group"] if isinstance(concurrency, dict) else concurrency) == "pages"
    (configure,) = action_steps(flow, "actions/configure-pages")
    (upload,) = action_steps(flow, "actions/upload-pages-artifact")
    assert upload["with"]["path"] == "public"
    assert action_steps(flow, "actions/deploy-pages")
    build = steps(flow)[step_index(flow, "build.py build")]
    assert f"steps.{configure['id']}.outputs.base_url" in str(build.get("env", {})) + build["run"]
    assert "--base-url" in build["run"]
    assert step_index(flow, "build.py check") < step_index(flow, "build.py build")


# --- commands the workflows run are the ones README.md documents -------------------------------


@dataclass
class Usage:
    """What README.md documents for one command: its options and, where listed, their values."""

    options: dict[str, set[str] | None] = field(default_factory=dict)  # None: any value; set(): a flag


def documented_commands() -> dict[tuple[str, str], Usage]:
    """``(program, subcommand) -> Usage`` from the command lines in README.md's code blocks.

    ``[--format text|markdown]`` allows those values only; ``[--out DIR]`` any value;
    ``[--no-search]`` is a flag.
    """
    blocks = re.findall(r"^```[^\n]*\n(.*?)^```", README.read_text(encoding="utf-8"), re.M | re.S)
    found: dict[tuple[str, str], Usage] = {}
    for raw in "\n".join(blocks).splitlines():
        command = raw.split(" #", 1)[0].strip()
        words = command.removeprefix("python ").split()
        if len(words) < 2 or words[0] not in {"build.py", "./dev"}:
            continue
        usage = found.setdefault((words[0], words[1]), Usage())
        for option, value in re.findall(r"(--[a-z][a-z-]*)(?:[ =]([^\]\s]+))?", " ".join(words[2:])):
            values = None if value and "|" not in value else set(value.split("|")) if value else set()
            known = usage.options.get(option, set())
            usage.options[option] = None if values is None or known is None else known | values
    return found


@dataclass(frozen=True)
class Invocation:
    program: str  # "build.py" or "./dev"
    words: tuple[str, ...]
    source: str


def project_invocations(script: str, source: str) -> list[Invocation]:
    """Every ``build.py …`` and ``./dev …`` command in a shell script, up to the next operator."""
    found = []
    for line in script.replace("\\\n", " ").splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        tokens = list(lexer)
        for start, token in enumerate(tokens):
            program = "./dev" if token == "./dev" else "build.py" if token.endswith("build.py") else None
            if program is None:
                continue
            words = []
            for word in tokens[start + 1 :]:
                if word and set(word) <= set("|&;<>()"):
                    break
                words.append(word)
            found.append(Invocation(program, tuple(words), source))
    return found


def undocumented(call: Invocation, docs: dict[tuple[str, str], Usage]) -> list[str]:
    """What in ``call`` README.md does not document; empty when all of it is documented."""
    if not call.words:
        return [f"{call.program} without a subcommand"]
    usage = docs.get((call.program, call.words[0]))
    if usage is None:
        return [f"subcommand {call.program} {call.words[0]}"]
    problems = []
    words = iter(call.words[1:])
    for word in words:
        if not word.startswith("--"):
            continue  # a positional argument, e.g. diff OLD NEW
        option, _, inline = word.partition("=")
        if option not in usage.options:
            problems.append(f"option {option} of {call.program} {call.words[0]}")
            continue
        allowed = usage.options[option]
        if allowed == set():
            continue  # a flag
        value = inline or next(words, "")
        if allowed is not None and value not in allowed:
            problems.append(f"{option} {value} (documented: {'|'.join(sorted(allowed))})")
    return problems


def test_workflows_run_only_documented_commands() -> None:
    docs = documented_commands()
    calls = [
        call
        for path in sorted(WORKFLOWS.glob("*.yml"))
        for script in run_scripts(workflow(path.name))
        for call in project_invocations(script, path.name)
    ]
    assert {call.program for call in calls} == {"build.py", "./dev"}
    problems = [f"{call.source}: {' '.join(call.words)}: {p}" for call in calls for p in undocumented(call, docs)]
    assert not problems, "README.md's command lines do not document:\n" + "\n".join(problems)


def test_the_command_rule_rejects_what_readme_does_not_document() -> None:
    docs = documented_commands()
    assert not undocumented(Invocation("build.py", ("build", "--out", "x", "--no-search"), "t"), docs)
    for words in (("publish",), ("build", "--verbose"), ("diff", "a", "b", "--format", "html")):
        assert undocumented(Invocation("build.py", words, "t"), docs), words
    assert undocumented(Invocation("./dev", ("deploy",), "t"), docs)


def test_invocations_are_found_behind_any_python_and_before_redirections() -> None:
    script = 'cd x\n"$W/.venv/bin/python" build.py diff a b --format markdown >> "$GITHUB_STEP_SUMMARY"\n./dev test'
    calls = project_invocations(script, "t")
    assert [(c.program, c.words) for c in calls] == [
        ("build.py", ("diff", "a", "b", "--format", "markdown")),
        ("./dev", ("test",)),
    ]


# --- the issue form ----------------------------------------------------------------------------


def form_fields() -> list[dict[str, Any]]:
    form = load_yaml(ISSUE_FORM)
    assert form["name"] == "Usulkan inovasi"
    assert form["description"]
    return [element for element in form["body"] if element["type"] != "markdown"]


def body_sections() -> list[str]:
    """The six body headings, as the example profile (like every shipped profile) has them."""
    return [line[3:] for line in EXAMPLE_PROFILE.read_text(encoding="utf-8").splitlines() if line.startswith("## ")]


def test_issue_form_fields_are_schema_fields_or_body_sections() -> None:
    properties = schema.load_schema("innovation")["properties"]
    fields = form_fields()
    ids = [element["id"] for element in fields]
    labels = [element["attributes"]["label"] for element in fields]
    assert len(set(ids)) == len(ids)
    assert len(set(labels)) == len(labels)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", i) for i in ids)
    sections = ["body-" + heading.lower().replace(" ", "-") for heading in body_sections()]
    assert len(sections) == 6
    assert [i for i in ids if i.startswith("body-")] == sections
    for element in fields:
        if not element["id"].startswith("body-"):
            assert element["id"] in properties, element["id"]
            assert element["attributes"]["label"] == properties[element["id"]]["title"]


def test_issue_form_asks_for_every_required_field_a_proposer_knows() -> None:
    required = set(schema.load_schema("innovation")["required"]) - MAINTAINER_ONLY
    asked = {element["id"] for element in form_fields() if element.get("validations", {}).get("required")}
    assert required <= asked
    assert "links" in asked  # every fact needs a public source


def test_issue_form_sector_options_are_the_sector_names() -> None:
    (sectors,) = [element for element in form_fields() if element["id"] == "sectors"]
    names = [entry["name"] for entry in load_yaml(SHIPPED / "taxonomies" / "sectors.yml").values()]
    assert sectors["type"] == "dropdown"
    assert sectors["attributes"]["multiple"] is True
    assert sectors["attributes"]["options"] == names


def test_issue_form_status_options_are_the_sites_labels() -> None:
    (status,) = [element for element in form_fields() if element["id"] == "status"]
    labels = load_yaml(PROJECT / "templates" / "strings" / "id.yml")["labels"]["status"]
    enum = schema.load_schema("innovation")["properties"]["status"]["enum"]
    assert status["type"] == "dropdown"
    assert status["attributes"]["options"] == [labels[value] for value in enum]


def test_issue_template_config() -> None:
    config = load_yaml(GITHUB / "ISSUE_TEMPLATE" / "config.yml")
    assert isinstance(config["blank_issues_enabled"], bool)


def test_pull_request_template_checklist() -> None:
    text = (GITHUB / "PULL_REQUEST_TEMPLATE.md").read_text(encoding="utf-8")
    checklist = "\n".join(line for line in text.splitlines() if line.startswith("- [ ] "))
    for needed in ("`links`", "build.py check", "ringkasan perubahan situs", "`aliases`"):
        assert needed in checklist, needed


# --- CONTRIBUTING.md ---------------------------------------------------------------------------


def marked_blocks(marker: str) -> list[tuple[str, list[str]]]:
    """``(argument, lines)`` of every fenced block right after ``<!-- marker: argument -->``."""
    pattern = rf"<!-- {marker}: ([^\n]+?) -->\n```[^\n]*\n(.*?)\n```"
    text = CONTRIBUTING.read_text(encoding="utf-8")
    return [(arg, body.split("\n")) for arg, body in re.findall(pattern, text, re.S)]


def test_contributing_quotes_files_exactly() -> None:
    """Each quoted block is a run of consecutive lines of the file it names, character for character."""
    quotes = marked_blocks("kutipan")
    assert any(path == "content/innovations/cek-dan-sadari.md" for path, _ in quotes)
    for path, lines in quotes:
        source = (PROJECT / path).read_text(encoding="utf-8").split("\n")
        runs = [source[i : i + len(lines)] for i in range(len(source) - len(lines) + 1)]
        assert lines in runs, f"CONTRIBUTING.md quotes lines that {path} no longer has:\n" + "\n".join(lines)


def test_the_worked_example_explains_every_required_field() -> None:
    quoted = {line for path, lines in marked_blocks("kutipan") if path.endswith("cek-dan-sadari.md") for line in lines}
    for name in schema.load_schema("innovation")["required"]:
        assert any(line.startswith(f"{name}:") for line in quoted), name


def test_contributing_shows_what_check_really_prints(tmp_path: Path) -> None:
    """Each ``<!-- keluaran: build.py check ... -->`` block is what that command prints for the broken copy."""
    text = CONTRIBUTING.read_text(encoding="utf-8")
    content = make_site(tmp_path, base=SHIPPED)
    profile = content / "innovations" / EXAMPLE_PROFILE.name
    lines = profile.read_text(encoding="utf-8").split("\n")
    for good, bad in BROKEN_EXAMPLE.items():
        assert bad in text
        lines[lines.index(good)] = bad
    profile.write_text("\n".join(lines), encoding="utf-8")
    shown = marked_blocks("keluaran")
    assert {command for command, _ in shown} == {"build.py check", "build.py check --format github"}
    for command, block in shown:
        code, out, err = run(*command.split()[1:], "--content", str(content))
        assert code == 1
        assert "\n".join(block) + "\n" == out + err, f"paste what `{command}` prints into CONTRIBUTING.md:\n{out}{err}"


def mentioned_paths(text: str) -> set[str]:
    """Relative repository paths in code spans and in links, placeholders (``<slug>``) left out."""
    spans = re.findall(r"`([^`\s]+)`", text)
    links = re.findall(r"\]\(([^)#\s]+)\)", text)
    return {
        p
        for p in spans + links
        if re.fullmatch(r"[\w.-]+(/[\w.-]+)+/?", p) and not p.startswith(("http", "/")) and "://" not in p
    }


def test_paths_contributing_mentions_exist() -> None:
    paths = mentioned_paths(CONTRIBUTING.read_text(encoding="utf-8"))
    missing = sorted(p for p in paths if not (PROJECT / p).exists())
    assert not missing, missing


def test_contributing_mentions_the_files_it_explains() -> None:
    paths = mentioned_paths(CONTRIBUTING.read_text(encoding="utf-8"))
    expected = {
        "content/innovations/cek-dan-sadari.md",
        "docs/content-model.md",
        "katalog/schemas/innovation.schema.json",
    }
    assert expected <= paths


def test_contributing_table_of_contents_points_at_headings() -> None:
    text = CONTRIBUTING.read_text(encoding="utf-8")
    headings = {
        re.sub(r"[^\w\- ]", "", line.lstrip("#").strip().lower()).replace(" ", "-")
        for line in text.splitlines()
        if line.startswith("#")
    }
    anchors = set(re.findall(r"\]\(#([^)]+)\)", text))
    assert anchors
    assert anchors <= headings, anchors - headings


def test_the_sites_contributing_page_points_to_the_guide() -> None:
    assert "CONTRIBUTING.md" in (SHIPPED / "pages" / "cara-berkontribusi.md").read_text(encoding="utf-8")


def test_contributing_names_every_profile_field_and_the_required_ones() -> None:
    innovation = schema.load_schema("innovation")
    text = CONTRIBUTING.read_text(encoding="utf-8")
    spans = set(re.findall(r"`([^`\s]+)`", text))
    quoted = {line.split(":")[0] for _, lines in marked_blocks("kutipan") for line in lines}
    assert set(innovation["properties"]) - spans - quoted == set()
    (required,) = re.findall(r"Kolom wajib: ([^.]+)\.", text)
    assert set(re.findall(r"`(\w+)`", required)) == set(innovation["required"])


@pytest.mark.parametrize("name", ["check.yml", "deploy.yml"])
def test_workflows_keep_the_generator_cache_between_runs(name: str) -> None:
    """Restored before the first build, so CI converts only the Markdown a change touched."""
    flow = workflow(name)
    (cache,) = action_steps(flow, "actions/cache")
    assert cache["with"]["path"] == str(config.DEFAULT_CACHE.relative_to(config.PROJECT_DIR))
    assert cache["with"]["restore-keys"] and cache["with"]["key"].startswith(cache["with"]["restore-keys"])
    assert steps(flow).index(cache) < step_index(flow, "build.py")
