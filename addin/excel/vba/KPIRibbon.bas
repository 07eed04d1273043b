Attribute VB_Name = "KPIRibbon"
' kpi-scorecard: the callbacks of the KPI ribbon tab (customUI/customUI.xml of kpi_scorecard.xlam).
'
' `kpi addin build` writes this module into the add-in's VBA project (xl/vbaProject.bin), next to
' xlwings' own VBA module (RunPython, GetConfig, XLPy ...), and fills in the %...% constants below
' from addin.excel.ribbon.BUTTONS. Every button calls KPIRibbon_OnAction; it passes control.Id
' (and the folder or file it asked for) to the Python handler addin.excel.ribbon.on_action.
' Keep this file ASCII: every text it shows comes from the messages catalog (ribbon.vba.* in
' addin/contract/messages/ribbon.py), written into KPIRibbon_Say by the build as UTF-16 hex
' (KPIRibbon_Text), so the module reads the same on any Windows code page and on macOS.
Option Explicit

Private Const PY_HANDLER As String = "addin.excel.ribbon.on_action"
Private Const ASK_FOLDER As String = "%ASK_FOLDER%"  ' |id|id| of the buttons that ask for a folder first
Private Const ASK_FILE As String = "%ASK_FILE%"  ' |id|id| of the buttons that ask for a file first
Private Const MEMORY_FOLDER As String = "%MEMORY_FOLDER%"  ' below APPDATA (Windows) or HOME (Mac): files picked last

Public Sub KPIRibbon_OnAction(control As IRibbonControl)
    Dim lang As String, picked As String, key As String, cancelled As Boolean
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
        picked = KPIRibbon_OfferLast(control.Id, lang, cancelled)  ' the file picked last time, if the user wants it
        If cancelled Then Exit Sub
        If picked = "" Then picked = KPIRibbon_PickFile(lang)
        If picked = "" Then Exit Sub
    End If
    If ActiveWorkbook Is Nothing Then Workbooks.Add  ' RunPython needs an active workbook
    RunPython "import addin.excel.ribbon; " & PY_HANDLER & "('" & control.Id & "', '" & lang & "', '" & KPIRibbon_Hex(picked) & "')"
End Sub

Private Sub KPIRibbon_ImportFunctions(lang As String)
    ' Classic UDFs: xlwings writes the VBA wrappers of the UDF Modules (udfs.excel_functions, from the
    ' add-in's myaddin.conf sheet) into this add-in, so =KPI_SCORE() works in every workbook.
    #If Mac Then
        MsgBox KPIRibbon_Say("mac_no_udfs", lang), vbInformation, KPIRibbon_Say("title", lang)
    #Else
        Dim result As String
        On Error GoTo Failed
        result = XLPy.Str(XLPy.Call(XLPy.Module("xlwings"), "import_udfs", XLPy.Tuple(GetUdfModules(ThisWorkbook), ThisWorkbook)))
        ThisWorkbook.Save  ' an add-in is never saved on exit: keep the wrappers
        MsgBox KPIRibbon_Say("udfs_imported", lang), vbInformation, KPIRibbon_Say("title", lang)
        Exit Sub
Failed:
        ShowError "", Err.Description & " " & Err.Number
    #End If
End Sub

Private Function KPIRibbon_PickFolder(lang As String) As String
    ' The folder with the managers' scorecards; "" when the user cancels.
    Dim title As String, folder As String, picked As Boolean
    title = KPIRibbon_Say("pick_folder", lang)
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
            title = KPIRibbon_Say("no_folder_picker", lang)
            If MsgBox(title & vbLf & ActiveWorkbook.Path, vbOKCancel + vbQuestion, KPIRibbon_Say("title", lang)) = vbOK Then
                folder = ActiveWorkbook.Path
            End If
        End If
    End If
    KPIRibbon_PickFolder = folder
End Function

Private Function KPIRibbon_PickFile(lang As String) As String
    ' A file to work on (e.g. a CRM export); "" when the user cancels.
    Dim title As String, picked As Variant
    title = KPIRibbon_Say("pick_file", lang)
    #If Mac Then
        picked = Application.GetOpenFilename()
    #Else
        picked = Application.GetOpenFilename(Title:=title)
    #End If
    If VarType(picked) = vbBoolean Then picked = ""  ' False: cancelled
    KPIRibbon_PickFile = CStr(picked)
End Function

Private Function KPIRibbon_OfferLast(id As String, lang As String, cancelled As Boolean) As String
    ' The file this button worked on last (addin.excel.ribbon.remember_pick wrote its path, as UTF-16
    ' hex, to MEMORY_FOLDER/<id>.last), offered first: Yes uses it, No opens the picker, Cancel stops.
    ' "" when there is none, it no longer exists or cannot be read (the picker then opens as before).
    Dim memory As String, last As String, answer As VbMsgBoxResult
    cancelled = False
    On Error GoTo Unknown
    #If Mac Then
        memory = Environ("HOME") & "/" & MEMORY_FOLDER & "/" & id & ".last"  ' HOME: Excel's own container
        If Dir(memory) = "" Then Exit Function
        Dim handle As Integer
        handle = FreeFile
        Open memory For Input As #handle
        Line Input #handle, last
        Close #handle
        last = KPIRibbon_Text(Trim$(last))
        If Dir(last) = "" Then Exit Function
    #Else
        Dim fso As Object
        Set fso = CreateObject("Scripting.FileSystemObject")  ' Unicode paths, unlike Dir and Open
        memory = Environ("APPDATA") & "\" & MEMORY_FOLDER & "\" & id & ".last"
        If Not fso.FileExists(memory) Then Exit Function
        last = KPIRibbon_Text(Trim$(fso.OpenTextFile(memory, 1).ReadLine))
        If Not fso.FileExists(last) Then Exit Function
    #End If
    On Error GoTo 0
    answer = MsgBox(KPIRibbon_Say("use_last", lang) & vbLf & vbLf & last, vbYesNoCancel + vbQuestion, KPIRibbon_Say("title", lang))
    If answer = vbYes Then KPIRibbon_OfferLast = last
    cancelled = (answer = vbCancel)
    Exit Function
Unknown:
    KPIRibbon_OfferLast = ""
End Function

Private Function KPIRibbon_Say(ByVal key As String, ByVal lang As String) As String
    ' A text of the catalog (ribbon.vba.<key>) in lang; kpi addin build writes the cases below.
    Dim h As String
    Select Case key & "." & lang
'%TEXTS%
    End Select
    KPIRibbon_Say = KPIRibbon_Text(h)
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
    ' The inverse of KPIRibbon_Hex: the texts of KPIRibbon_Say (and remembered paths) kept as ASCII.
    Dim i As Long, out As String
    For i = 1 To Len(hexText) Step 4
        out = out & ChrW(CLng("&H" & Mid$(hexText, i, 4)))
    Next i
    KPIRibbon_Text = out
End Function
