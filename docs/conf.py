"""Sphinx configuration of geosim's documentation (``make docs``).

MyST-NB reads the Markdown pages and executes the example notebook at every build, so its
outputs are never stale; the reference pages come from the code (``_ext/geosim_docs.py``
and autodoc). ``make docs`` builds with ``-W``: any warning fails the build.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

import sim  # noqa: E402 - after the path to the extension

project = "geosim"
author = "the geosim authors"
copyright = "2025, the geosim authors"  # noqa: A001 - Sphinx's name
version = release = sim.__version__

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "geosim_docs",
]

exclude_patterns = ["_build", "**.ipynb_checkpoints", "README.md"]
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}

# The notebook runs top to bottom at every build (its outputs are not committed); an error in a
# cell fails the build.
nb_execution_mode = "force"
nb_execution_raise_on_error = True
nb_execution_timeout = 900
nb_execution_show_tb = True
nb_merge_streams = True

myst_enable_extensions = ["colon_fence", "deflist", "fieldlist"]
myst_heading_anchors = 3

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
napoleon_google_docstring = True
napoleon_numpy_docstring = False

html_theme = "pydata_sphinx_theme"
html_title = f"geosim {release}"
html_static_path = ["_static"]
html_css_files = ["geosim.css"]
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "header_links_before_dropdown": 7,
    "secondary_sidebar_items": ["page-toc"],
}
html_sidebars = {"**": ["sidebar-nav-bs"]}
html_show_sourcelink = False
smartquotes = False  # the reference pages show the code's text as it is
highlight_language = "text"  # literal blocks (usage lines, examples) are not Python
