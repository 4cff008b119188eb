Attribute VB_Name = "Module1"
Sub RunCheck()
    RunPython "import xlplugin.excel as x; x.main()"
End Sub
Sub ClearMarks()
    RunPython "import xlplugin.excel as x; x.clear()"
End Sub
