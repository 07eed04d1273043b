Attribute VB_Name = "KPIRibbon"
' kpi-scorecard: the callbacks of the KPI ribbon tab (customUI/customUI.xml of kpi_scorecard.xlam).
'
' `kpi addin build` writes this module into the add-in's VBA project (xl/vbaProject.bin), next to
' xlwings' own VBA module (RunPython, GetConfig, XLPy ...), and fills in the %...% constants below
' from addin.excel.ribbon.BUTTONS. Every button calls KPIRibbon_OnAction; it passes control.Id
' (and the folder or file it asked for) to the Python handler addin.excel.ribbon.on_action.
' Keep this file ASCII: Chinese texts are UTF-16 hex (KPIRibbon_Text), so the module reads the
' same on any Windows code page and on macOS.
Option Explicit

Private Const PY_HANDLER As String = "addin.excel.ribbon.on_action"
Private Const ASK_FOLDER As String = "%ASK_FOLDER%"  ' |id|id| of the buttons that ask for a folder first
Private Const ASK_FILE As String = "%ASK_FILE%"  ' |id|id| of the buttons that ask for a file first

Public Sub KPIRibbon_OnAction(control As IRibbonControl)
    Dim lang As String, picked As String, key As String
    lang = LCase$(GetConfig("KPI_LANG", "zh"))
    If lang <> "en" Then lang = "zh"
    key = "|" & control.Id & "|"
    Select Case control.Id
        Case "kpiImportFunctions"
            KPIRibbon_ImportFunctions lang
            Exit Sub
    End Select
    If InStr(ASK_FOLDER, key) > 0 Then
        picked = KPIRibbon_PickFolder(lang)
        If picked = "" Then Exit Sub
    ElseIf InStr(ASK_FILE, key) > 0 Then
        picked = KPIRibbon_PickFile(lang)
        If picked = "" Then Exit Sub
    End If
    If ActiveWorkbook Is Nothing Then Workbooks.Add  ' RunPython needs an active workbook
    RunPython "import addin.excel.ribbon; " & PY_HANDLER & "('" & control.Id & "', '" & lang & "', '" & KPIRibbon_Hex(picked) & "')"
End Sub

Private Sub KPIRibbon_ImportFunctions(lang As String)
    ' Classic UDFs: xlwings writes the VBA wrappers of the UDF Modules (udfs.excel_functions, from the
    ' add-in's myaddin.conf sheet) into this add-in, so =KPI_SCORE() works in every workbook.
    #If Mac Then
        If lang = "en" Then
            MsgBox "Excel for Mac has no classic UDFs (=KPI_SCORE()). Use portable scorecards (native formulas) " & _
                   "or the xlwings Lite edition (kpi addin lite). All other buttons work on the Mac.", vbInformation, "KPI"
        Else
            MsgBox KPIRibbon_Text("004D006100630020724800200045007800630065006C00204E0D652F63017ECF51780020005500440046FF08003D004B00500049005F00530043004F0052004500280029FF09FF1A8BF77528201C4FBF643A201D6A215F0F7684800368388868FF08539F751F516C5F0FFF09FF0C621600200078006C00770069006E006700730020004C00690074006500207248FF08006B0070006900200061006400640069006E0020006C006900740065FF09300251764ED6630994AE57280020004D0061006300204E0A574753EF4F7F75283002"), _
                   vbInformation, KPIRibbon_Text("7EE9654880036838")
        End If
    #Else
        Dim result As String
        On Error GoTo Failed
        result = XLPy.Str(XLPy.Call(XLPy.Module("xlwings"), "import_udfs", XLPy.Tuple(GetUdfModules(ThisWorkbook), ThisWorkbook)))
        ThisWorkbook.Save  ' an add-in is never saved on exit: keep the wrappers
        If lang = "en" Then
            MsgBox "The KPI functions are imported into this add-in. Type =KPI_SCORE( in any cell.", vbInformation, "KPI"
        Else
            MsgBox KPIRibbon_Text("004B00500049002051FD65705DF25BFC5165672C52A08F7D9879300257284EFB610F53555143683C4E2D8F9351650020003D004B00500049005F00530043004F0052004500280020537353EF4F7F75283002"), _
                   vbInformation, KPIRibbon_Text("7EE9654880036838")
        End If
        Exit Sub
Failed:
        ShowError "", Err.Description & " " & Err.Number
    #End If
End Sub

Private Function KPIRibbon_PickFolder(lang As String) As String
    ' The folder with the managers' scorecards; "" when the user cancels.
    Dim title As String, folder As String, picked As Boolean
    If lang = "en" Then
        title = "Folder with the managers' scorecards"
    Else
        title = KPIRibbon_Text("900962E95B58653E54045BA262377ECF7406800368388868768465874EF65939")
    End If
    On Error Resume Next
    With Application.FileDialog(4)  ' msoFileDialogFolderPicker
        .Title = title
        .AllowMultiSelect = False
        If .Show = -1 Then folder = .SelectedItems(1)
    End With
    picked = (Err.Number = 0)
    Err.Clear
    #If Mac Then
        If Not picked Then
            folder = MacScript("POSIX path of (choose folder with prompt """ & title & """)")
            picked = (Err.Number = 0)
            If Not picked Then folder = ""
            Err.Clear
        End If
    #End If
    On Error GoTo 0
    If Not picked And Not ActiveWorkbook Is Nothing Then
        ' No folder picker on this Excel: offer the folder of the active workbook instead.
        If ActiveWorkbook.Path <> "" Then
            If lang = "en" Then
                title = "Cannot open a folder picker. Consolidate the folder of the active workbook?"
            Else
                title = KPIRibbon_Text("65E06CD562535F0065874EF65939900962E968463002662F54266C47603B5F53524D5DE54F5C7C3F62405728768465874EF65939FF1F")
            End If
            If MsgBox(title & vbLf & ActiveWorkbook.Path, vbOKCancel + vbQuestion, "KPI") = vbOK Then folder = ActiveWorkbook.Path
        End If
    End If
    KPIRibbon_PickFolder = folder
End Function

Private Function KPIRibbon_PickFile(lang As String) As String
    ' A file to work on (e.g. a CRM export); "" when the user cancels.
    Dim title As String, picked As Variant
    If lang = "en" Then
        title = "Choose the file"
    Else
        title = KPIRibbon_Text("900962E965874EF6")
    End If
    #If Mac Then
        picked = Application.GetOpenFilename()
    #Else
        picked = Application.GetOpenFilename(Title:=title)
    #End If
    If VarType(picked) = vbBoolean Then picked = ""  ' False: cancelled
    KPIRibbon_PickFile = CStr(picked)
End Function

Private Function KPIRibbon_Hex(ByVal text As String) As String
    ' UTF-16 code units as 4 hex digits each: a path reaches Python intact through cmd.exe and
    ' AppleScript, whatever quotes, spaces, &, % or Chinese characters it contains.
    Dim i As Long, out As String
    For i = 1 To Len(text)
        out = out & Right$("000" & Hex$(AscW(Mid$(text, i, 1)) And &HFFFF&), 4)
    Next i
    KPIRibbon_Hex = out
End Function

Private Function KPIRibbon_Text(ByVal hexText As String) As String
    ' The inverse of KPIRibbon_Hex: Chinese message texts kept as ASCII in this file.
    Dim i As Long, out As String
    For i = 1 To Len(hexText) Step 4
        out = out & ChrW(CLng("&H" & Mid$(hexText, i, 4)))
    Next i
    KPIRibbon_Text = out
End Function
