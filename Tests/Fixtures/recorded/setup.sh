#!/bin/sh
# Re-create the recording environment used for these fixtures (then: python3 record.py all).
# The checkouts and venv live in scratch space and are NOT part of the fixtures.
set -eu
REC=${REC_SCRATCH:-/tmp/rec}
mkdir -p "$REC/src"
cd "$REC/src"
[ -d markdown-it-py ] || { git clone https://github.com/executablebooks/markdown-it-py markdown-it-py &&
  git -C markdown-it-py checkout 2c3f71ec46c4259ca375fb40c9cd47385c6c304e; }   # v4.2.0-1-g2c3f71e
[ -d cattrs ] || { git clone https://github.com/python-attrs/cattrs cattrs &&
  git -C cattrs checkout 82b02c07ca535a1ba656b935767d819eac9d383b; }           # v26.1.0-40-g82b02c0
python3 -m venv "$REC/venv"   # Python 3.11.7 (pyenv)
"$REC/venv/bin/pip" install pytest==9.2.0 pytest-benchmark==5.3.1 psutil==7.2.2 \
  markdown-it-py==4.2.0 commonmark==0.9.2 Markdown==3.11.3 mistletoe==1.6.0 mistune==3.4.0 \
  markdown_it_pyrs==0.4.0 attrs==26.1.0 msgspec==0.23.0 orjson==3.13.0
SETUPTOOLS_SCM_PRETEND_VERSION=26.1.1.dev40 "$REC/venv/bin/pip" install "$REC/src/cattrs"
