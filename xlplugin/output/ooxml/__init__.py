"""Editing an .xlsx package part by part with lxml: the package, sheet XML, comments and their VML
drawings, and styles — so that an annotated copy keeps everything it does not touch."""
