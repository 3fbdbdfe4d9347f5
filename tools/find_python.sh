#!/bin/sh
# Print the path of a Python >= 3.12 interpreter: PATH first, then pyenv's installed versions.
# pyenv's pythonX.Y shims exist even when that version is not selected and then fail, so every
# candidate is actually run, not just looked up.
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }
for name in python3.13 python3.12 python3 python; do
    p=$(command -v "$name" 2>/dev/null) || continue
    if ok "$p"; then "$p" -c 'import sys; print(sys.executable)'; exit 0; fi
done
root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
for p in $(ls -d "$root"/versions/3.1[2-9]*/bin/python 2>/dev/null | sort -r); do
    if ok "$p"; then echo "$p"; exit 0; fi
done
echo "geosim needs Python >= 3.12 (Mesa 3.5 requires it) and found none on PATH or in pyenv." >&2
echo "Install one (e.g. 'pyenv install 3.12') or run: make PYTHON=/path/to/python3.12 ..." >&2
exit 1
