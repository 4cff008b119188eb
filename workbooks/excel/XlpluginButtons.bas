Attribute VB_Name = "XlpluginButtons"
' The check and clear buttons on the template's first sheet.
Sub RunCheck()
    RunPython "import xlplugin.excel as x; x.main()"
End Sub
Sub ClearMarks()
    RunPython "import xlplugin.excel as x; x.clear()"
End Sub
