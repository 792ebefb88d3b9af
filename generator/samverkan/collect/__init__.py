"""Reading back what people filled in, from files that come from outside: remiss response
forms (`samverkan remiss collect`) and follow-up workbooks (`samverkan uppfoljning collect`).

- untrusted.py: one reader for every such file, with limits (size, ZIP, XML, time);
- documents.py / sheets.py: a .docx/.odt as paragraphs and tables, a .xlsx/.ods as cells,
  whatever office program saved it;
- answers.py: the remiss answers; followup.py: the follow-up reports.
"""
