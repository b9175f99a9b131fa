"""Sphinx configuration of the deterrence documentation.

Build (warnings are errors): ``sphinx-build -W --keep-going -b html docs docs/_build/html``.

The tutorials are the teaching notebooks, rendered with their outputs and
figures: before the build, ``notebooks/build_versions.py`` writes and executes
the instructor versions into ``docs/tutorials/`` (once: a notebook is run again
only when its source is newer), so Sphinx itself never executes a notebook.
"""
import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))

import deterrence  # noqa: E402 (the checkout, put on sys.path above)

project = "deterrence"
author = "the deterrence developers"
copyright = "the deterrence developers, BSD 3-Clause"
release = version = deterrence.__version__

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
]
myst_enable_extensions = ["dollarmath", "colon_fence", "deflist"]
# MathJax typesets the notebooks' HTML outputs too (myst-nb's "text_html" blocks): the report's
# formulas (Report._repr_html_, \(...\)) are TeX, as Jupyter renders them; MyST's default
# classes stop at its own math and Jupyter's "output_area"
myst_mathjax_classes = "tex2jax_process|mathjax_process|math|output_area|text_html"
nb_execution_mode = "off"          # the build step below executes the notebooks, once
nb_merge_streams = True
autosummary_generate = True
autosummary_imported_members = False
# Sphinx reads every value of a flag here as "on": "undoc-members": False listed the members without
# a docstring all the same (a dataclass's fields, a result's to_json, with empty bodies), and
# "show-inheritance": False showed each class's bases. Say what is on; a flag is off by its absence.
# The members without a docstring stay listed (a method such as to_json), but a class's field that its
# signature shows is not repeated as an empty entry (_fields_without_entries, below).
autodoc_default_options = {"members": True, "undoc-members": True, "show-inheritance": True}
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
add_module_names = False
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints", "api/generated/*.rst.tmp"]
templates_path = ["_templates"]
html_theme = "pydata_sphinx_theme"
html_title = "deterrence"
html_theme_options = {"navigation_with_keys": False, "show_toc_level": 2}
# the theme's default_mode (a context value, not a theme option): without it the page script read an
# empty mode and logged "Got invalid theme mode: . Resetting to auto." as an error in the browser's
# console on every page (a review of the site)
html_context = {"default_mode": "auto"}
# The left sidebar lists the pages of the section a page is in; the glossary is a section of one
# page, so it showed only the words "Section Navigation" over an empty column (a review of the
# site): it has no left sidebar, and its text takes the room.
html_sidebars = {"glossary": []}
html_static_path = ["_static"]
# module names wrap at their dots; the cursor over a shrunk figure; headings inside a notebook's output
html_css_files = ["titles.css", "zoom.css", "outputs.css"]
# a <wbr> after each dot of a module name (titles.css); a figure shrunk to the column opens at full size on a click
html_js_files = ["dotted_names.js", "zoom.js"]


def _local_mathjax():
    """The ``es5`` folder of MathJax 3 shipped as package data by django-static-mathjax (no
    Django needed, only its files), or None: with it the formulas are typeset without a
    network (a classroom offline, a site opened from disk); without it Sphinx's default CDN."""
    try:
        import mathjax
    except ImportError:
        return None
    es5 = Path(mathjax.__file__).resolve().parent / "static" / "mathjax" / "es5"
    return es5 if (es5 / "tex-mml-chtml.js").is_file() else None


_MATHJAX = _local_mathjax()
if _MATHJAX is not None:
    mathjax_path = "mathjax/tex-mml-chtml.js"      # relative: under _static, copied at the build's end
suppress_warnings = ["myst.header"]


def _stale_tutorials(notebooks, target, library) -> list:
    """The names of the ``notebooks`` whose executed copy in ``target`` is missing or older than
    the notebook or than any file of the ``library`` folders (caches aside)."""
    newest = max((p.stat().st_mtime for folder in library for p in folder.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts), default=0)
    return [p.stem for p in notebooks
            if not (target / p.name).exists() or (target / p.name).stat().st_mtime < max(p.stat().st_mtime, newest)]


def _tutorials():
    """Executed instructor versions of the notebooks in docs/tutorials/, rebuilt when their notebook
    or the library (deterrence/, games/) is newer: a figure's code changes without its notebook."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_versions", ROOT / "notebooks" / "build_versions.py")
    build_versions = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_versions)
    target = DOCS / "tutorials"
    stale = _stale_tutorials(sorted((ROOT / "notebooks").glob("[0-9]*.ipynb")), target,
                             [ROOT / "deterrence", ROOT / "games"])
    if not stale:
        return
    out = DOCS / "_build" / "versions"
    build_versions.build(out, run=True, names=stale, kinds=("instructor",))
    target.mkdir(exist_ok=True)
    for name in stale:
        (target / f"{name}.ipynb").write_bytes((out / "instructor" / f"{name}.ipynb").read_bytes())


if os.environ.get("DETERRENCE_DOCS_SKIP_TUTORIALS") != "1":
    _tutorials()


def _glossary():
    """docs/glossary.md from the case report's glossary (``GLOSSARY``, the one definition of
    each word), written before every build so that the page and the report cannot drift apart
    (the words had no page: an IR review)."""
    from deterrence.models.us_iran_exchange_report import GLOSSARY
    lines = ["# Glossary", "",
             "The words of the US–Iran case, each with one meaning, as the last section of "
             "`deterrence report` defines them (the same text: the report's own glossary).", ""]
    for word, meaning in GLOSSARY.items():
        lines += [f"{word}", f": {meaning[0].upper()}{meaning[1:]}.", ""]
    page = DOCS / "glossary.md"
    text = "\n".join(lines)
    if not page.exists() or page.read_text() != text:      # rewritten only when it changed
        page.write_text(text)


_glossary()


def _headings_to_rubrics(app, what, name, obj, options, lines):
    """Module docstrings use small headings ("Steps", "References"); as sections they would
    collide between pages (one label "steps" each), so they are shown as rubrics."""
    if what != "module":
        return
    out, k = [], 0
    while k < len(lines):
        line = lines[k]
        under = lines[k + 1] if k + 1 < len(lines) else ""
        underlined = set(under.strip()) <= set("-=~^") and len(under.strip()) >= len(line.strip())
        if line.strip() and under.strip() and underlined:
            out += [f".. rubric:: {line.strip()}", ""]
            k += 2
            continue
        out.append(line)
        k += 1
    lines[:] = out


def _copy_mathjax(app, exception):
    """Copy the local MathJax into the site's _static/mathjax: the combined TeX/MathML component
    with its fonts and the parts it loads on demand (TeX extensions, the menu, accessibility),
    not the other combined components nor the SVG output (about 8 of its 24 MB)."""
    if exception is not None or _MATHJAX is None or app.builder.name not in ("html", "dirhtml", "singlehtml"):
        return
    import shutil

    def unused(folder, names):
        if Path(folder) == _MATHJAX:
            return [n for n in names if n.endswith(".js") and n != "tex-mml-chtml.js"]
        return ["svg", "svg.js"] if Path(folder) == _MATHJAX / "output" else []
    target = Path(app.outdir) / "_static" / "mathjax"
    shutil.copytree(_MATHJAX, target, ignore=unused, dirs_exist_ok=True)
    shutil.copy2(_MATHJAX.parent / "LICENSE", target / "LICENSE")      # MathJax's, Apache 2.0


def _signature_names(desc) -> set:
    """The parameter names in the signature of a class's entry (``desc``), e.g. a dataclass's fields."""
    from sphinx import addnodes

    names = set()
    for sig in desc.children:
        if not isinstance(sig, addnodes.desc_signature):
            continue
        # one node a parameter, but not always: where Sphinx could not parse the list (a default
        # "<factory>", a type with brackets) the whole list is one node, and a tuple default can be
        # cut at its comma. The list joined again, split at its top-level commas:
        depth, start, text = 0, 0, ", ".join(p.astext() for p in sig.findall(addnodes.desc_parameter))
        for k, char in enumerate(text + ","):
            depth += 1 if char in "([{" else -1 if char in ")]}" else 0
            if char == "," and depth == 0:
                names.add(text[start:k].split(":")[0].split("=")[0].strip().lstrip("*"))
                start = k + 1
    return names


def _fields_without_entries(env, doctree):
    """Drop the empty entry of a class's attribute whose name the class's signature already shows:
    a dataclass's field, undocumented but for its type, was repeated under the class as an entry
    with nothing in it (427 of the API pages' 566 empty entries, a review of the site); the class's
    signature gives its name, type and default, the class's docstring what it is. An attribute that
    is not a parameter of the class (a class constant such as ``REGIMES``), or that has a
    description, keeps its entry; so does every method and property (``to_json``)."""
    from sphinx import addnodes

    domain = env.domains["py"] if hasattr(env, "domains") else env.get_domain("py")
    for desc in list(doctree.findall(addnodes.desc)):
        if desc.get("domain") != "py" or desc.get("objtype") != "attribute":
            continue
        content = [c for c in desc.children if isinstance(c, addnodes.desc_content)]
        if not content or content[0].astext().strip():
            continue
        owner = desc.parent.parent if isinstance(desc.parent, addnodes.desc_content) else None
        if not isinstance(owner, addnodes.desc) or owner.get("objtype") != "class":
            continue
        ids = [i for sig in desc.children if isinstance(sig, addnodes.desc_signature) for i in sig["ids"]]
        if not ids or ids[0].rsplit(".", 1)[-1] not in _signature_names(owner):
            continue
        parent, at = desc.parent, desc.parent.index(desc)
        if at > 0 and isinstance(parent[at - 1], addnodes.index):     # its line in the general index
            parent.remove(parent[at - 1])
        parent.remove(desc)
        for name in ids:
            domain.objects.pop(name, None)        # no cross-reference to an anchor that is gone


def _fields_transform():
    from sphinx.transforms import SphinxTransform

    class FieldsWithoutEntries(SphinxTransform):
        """:func:`_fields_without_entries` on each page, before the domains collect its entries
        for the general index (priority 850) and the contents ("On this page") are read."""
        default_priority = 840

        def apply(self, **kwargs):
            _fields_without_entries(self.env, self.document)

    return FieldsWithoutEntries


_FieldsWithoutEntries = _fields_transform()


def _no_index_entries(doctree):
    """The Python objects a page documents with ``:no-index:`` (the API page's front door repeats
    five functions whose own entries are on their modules' pages)."""
    from sphinx import addnodes

    return [desc for desc in doctree.findall(addnodes.desc) if desc.get("domain") == "py" and desc.get("no-index")]


def _viewcode_targets_before(app, doctree):
    """Remember where each object's "[docs]" link of the source view points before
    sphinx.ext.viewcode reads this page (see _viewcode_targets_restored)."""
    modules = getattr(app.env, "_viewcode_modules", {}) if _no_index_entries(doctree) else {}
    app.env.viewcode_targets_before = {modname: dict(entry[2]) for modname, entry in modules.items() if entry}


def _viewcode_targets_restored(app, doctree):
    """sphinx.ext.viewcode points an object's "[docs]" link (``_modules/...html``) at the last
    page that describes it, ``:no-index:`` or not; a ``:no-index:`` entry has no anchor, so the
    link landed at the top of the API page instead of at the object. Give the link back to the
    page that indexes the object (or to none yet, if that page is read later); the no-index
    entry keeps its own "[source]" link."""
    from sphinx.ext.viewcode import OUTPUT_DIRNAME, viewcode_anchor

    modules = getattr(app.env, "_viewcode_modules", {})
    before = getattr(app.env, "viewcode_targets_before", {})
    docname = app.env.path2doc(doctree["source"])     # on every Sphinx (current_document: 8.2+)
    for desc in _no_index_entries(doctree):
        for anchor in desc.findall(viewcode_anchor):
            modname = anchor["reftarget"].removeprefix(OUTPUT_DIRNAME + "/").replace("/", ".")
            name = anchor["refid"]
            entry = modules.get(modname)
            if not entry or entry[2].get(name) != docname:
                continue
            if name in before.get(modname, {}):
                entry[2][name] = before[modname][name]
            else:
                del entry[2][name]
            if not entry[2] and modname not in before:
                del modules[modname]    # created here: the indexing page makes it anew, with its module name


def setup(app):
    # MathJax on every page, not only those with MyST math: a notebook's HTML output (the
    # report) can carry formulas that Sphinx does not see
    app.set_html_assets_policy("always")
    app.connect("autodoc-process-docstring", _headings_to_rubrics)
    app.connect("build-finished", _copy_mathjax)
    app.add_transform(_FieldsWithoutEntries)
    # around sphinx.ext.viewcode's own "doctree-read" handler (priority 500)
    app.connect("doctree-read", _viewcode_targets_before, priority=499)
    app.connect("doctree-read", _viewcode_targets_restored, priority=501)
