# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test bench bench-ui screenshots figures clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(BIN)/virtual-rig

# worksteal: an idle worker takes the other's queued tests, so the long ones do not end up together
test: $(VENV)/.installed-test
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -n 2 --dist worksteal

# the README's table of target rows, filled with what the tests measure
figures: $(VENV)/.installed-test
	QT_QPA_PLATFORM=offscreen VIRTUAL_RIG_FIGURES=.figures.json $(BIN)/python -m pytest -q
	$(BIN)/python tests/readme_rows.py .figures.json README.md
	$(BIN)/python tests/readme_practicals.py README.md

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	touch $@ $(VENV)/.installed-run

bench: $(VENV)/.installed-bench
	$(BIN)/python bench/engine_speed.py
	$(BIN)/python bench/acquisition.py
	$(BIN)/python bench/slice.py

# the window's figures (frames per second, CPU, latency, start-up), on an X server
bench-ui: $(VENV)/.installed-run
	xvfb-run -a -s "-screen 0 1366x768x24" env -u QT_QPA_PLATFORM $(BIN)/python bench/window_speed.py

# the README's pictures, on the screens the window is for: the first experiment on a 1366x768 laptop
# and on a 1280x720 projector (projector mode); a spreading depolarisation crossing the slice's
# linescan, 70 s in (docs/linescan.png)
screenshots: $(VENV)/.installed-run
	xvfb-run -a -s "-screen 0 1366x768x24" env -u QT_QPA_PLATFORM HOME=$$(mktemp -d) $(BIN)/virtual-rig \
	    --scenario first_experiment --speed 20 --span 120 --size 1366x768 --screenshot docs/rig.png --quit-after 6
	xvfb-run -a -s "-screen 0 1280x720x24" env -u QT_QPA_PLATFORM HOME=$$(mktemp -d) $(BIN)/virtual-rig \
	    --scenario first_experiment --speed 20 --span 120 --size 1280x720 --projector --screenshot docs/projector.png \
	    --quit-after 6
	xvfb-run -a -s "-screen 0 1366x768x24" env -u QT_QPA_PLATFORM HOME=$$(mktemp -d) $(BIN)/virtual-rig \
	    --scenario spreading_depolarisation --speed 5 --span 60 --size 1366x768 --screenshot docs/linescan.png \
	    --quit-after 14
	xvfb-run -a -s "-screen 0 1366x768x24" env -u QT_QPA_PLATFORM HOME=$$(mktemp -d) $(BIN)/virtual-rig \
	    --practical 02_potassium_and_rest --student s1001 --course PHYS2026 --size 1366x768 \
	    --screenshot docs/practical.png --quit-after 20

clean:
	rm -rf $(VENV) build *.egg-info
