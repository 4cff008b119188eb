"""What a report becomes: console text and JSON, the marks every door writes into cells, annotated
copies of workbooks (part by part, in :mod:`xlplugin.output.ooxml`), the batch overview and the blank
official templates."""
