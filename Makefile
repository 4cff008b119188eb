# Everything bootstraps its own virtualenv: a fresh clone needs only python3 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint format workbooks excel lite bench clean

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

SAMPLE := workbooks/samples/万盛人社局-2021-部门决算公开.xlsx

## make demo: install, locate every table of the bundled sample, check it with the Chongqing pack and
## write the annotated copy to out/
demo: $(STAMP)
	$(BIN)/xlplugin tables $(SAMPLE)
	@echo
	$(BIN)/xlplugin check $(SAMPLE) --level warning --annotate-to out/万盛人社局-2021-部门决算公开.校验.xlsx || test $$? -eq 1

## make test: install, then run the whole test suite
test: $(STAMP)
	$(BIN)/python -m pytest -q

## make lint: ruff (lint and format check), the import-linter contracts (layers doors → api →
## packs | output → engine → workbook → core; the Excel doors never reach lxml) and the architecture
## check (no import cycle, no module over 500 lines)
lint: $(STAMP)
	$(BIN)/ruff check xlplugin tests tools benchmarks
	$(BIN)/ruff format --check xlplugin tests tools benchmarks
	$(BIN)/lint-imports
	$(BIN)/python -m tools.architecture

## make format: let ruff fix what it can and format the code
format: $(STAMP)
	$(BIN)/ruff check --fix xlplugin tests tools benchmarks
	$(BIN)/ruff format xlplugin tests tools benchmarks

## make workbooks: regenerate the committed template and sample workbooks from their sources
workbooks: $(STAMP)
	$(BIN)/python -m tools.build_workbooks

## make excel: rebuild the add-in and the macro-enabled template in workbooks/excel/ from their
## readable sources there (customUI.xml, XlpluginRibbon.bas, XlpluginButtons.bas) and xlwings' templates
excel: $(STAMP)
	$(BIN)/xlplugin addin -o workbooks/excel --no-conf

## make lite: build the xlwings Lite kit in dist/lite/ (the wheel with the rule packs, main.py,
## requirements.txt); LITE_URL is the web folder the wheel will be served from
LITE_URL ?= https://example.gov.cn/xlplugin
lite: $(STAMP)
	$(BIN)/python -m tools.build_lite dist/lite $(LITE_URL)

## make bench: print read, check and pack-test timings for the sample, then batch figures
## (200 generated workbooks: throughput, memory, bare read and an openpyxl + pandas baseline), then the
## Excel doors (desktop and xlwings Lite, and Lite in Pyodide)
bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py
	$(BIN)/python benchmarks/batch_bench.py 200
	$(BIN)/python benchmarks/lite_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
