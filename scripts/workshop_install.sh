#!/usr/bin/env bash
# The workshop pack's installer (copied into the pack as install.sh by scripts/workshop_pack.py).
# Offline: nothing is downloaded, nothing is trained.
#
#   tar xf labkit-workshop-<commit>.tar && bash labkit-workshop/install.sh [DEST]
#
# DEST (default ./labkit-course) gets the course at the pack's commit, its .venv (packages from
# the pack's wheels/ only) and its .labkit_cache (models, indexes, adapters). Then
# `cd DEST && make test` or `.venv/bin/jupyter lab notebooks/` run without internet.
# Optional: CHECK_NOTEBOOKS=1 also runs every notebook once with training refused (~1 h on 2 cores).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dest=$(realpath -m "${1:-$PWD/labkit-course}")
PY=${PYTHON:-python3}

want=$(sed -n 's/.*"python": "\([0-9.]*\)".*/\1/p' "$here/MANIFEST.json")
have=$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
if [ "$want" != "$have" ]; then
  echo "This pack's packages are for Python $want; $PY is Python $have." >&2
  echo "Fix: PYTHON=python$want bash $0 $*   (or build a pack on a machine like the classroom's)" >&2
  exit 2
fi
if [ -e "$dest" ]; then
  echo "$dest exists: choose a new folder (bash $0 /path/to/new/folder); nothing was changed." >&2
  exit 2
fi

echo "==> 1/4 verifying every file of the pack (sha256)"
"$PY" "$here/repo/scripts/workshop_pack.py" verify "$here"

echo "==> 2/4 copying the course to $dest"
# $dest did not exist: a failed install removes it again (a venv cannot be moved, so no temp name)
trap 'echo "install FAILED: removing $dest" >&2; rm -rf "$dest"' ERR
mkdir -p "$(dirname "$dest")"
cp -a "$here/repo" "$dest"
cp -a "$here/cache" "$dest/.labkit_cache"

echo "==> 3/4 installing the packages from the pack (no index, no internet)"
"$PY" -m venv "$dest/.venv"
# PIP_CONFIG_FILE=/dev/null: no machine-wide index, find-links or constraints take part
vpip() { PIP_CONFIG_FILE=/dev/null "$dest/.venv/bin/python" -m pip "$@"; }
vpip install -q --no-index --find-links "$here/wheels" "$here"/wheels/*
vpip install -q --no-index --no-deps --no-build-isolation -e "$dest"
# scripts/setup.sh's stamp: `make test` / `make demo` then skip the online set-up
bash "$dest/scripts/setup.sh" --mark-done

trap - ERR  # installed: from here on a failed check keeps the copy for you to look at
echo "==> 4/4 checking that nothing would be downloaded or trained"
cd "$dest"
if [ "${CHECK_NOTEBOOKS:-0}" = 1 ]; then
  .venv/bin/python scripts/workshop_pack.py check --notebooks
else
  .venv/bin/python scripts/workshop_pack.py check
fi
echo "Installed in $dest. Start: cd $dest && .venv/bin/jupyter lab notebooks/"
