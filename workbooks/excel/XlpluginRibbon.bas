Attribute VB_Name = "XlpluginRibbon"
' The add-in tab's one callback (customUI.xml): the pressed button's id goes to xlplugin.excel.ribbon.
Sub OnButton(control As IRibbonControl)
    RunPython "import xlplugin.excel as x; x.ribbon('" & control.Id & "')"
End Sub
