Attribute VB_Name = "RibbonMyAddin"
Sub RunMain(control As IRibbonControl)
    RunPython "import xlplugin.excel as x; x.ribbon('" & control.Id & "')"
End Sub
