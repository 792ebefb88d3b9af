"""`samverkan import`: returned Word editions (.docx, .odt) read back into content/.

anchors.py ties an edition to its source (bookmarks, properties); editions.py reads a returned
file (tracked changes, comments) through the one untrusted reader; compare.py finds what each
returner did to each paragraph and commitment against the text the edition was made from;
history.py finds that version in the project's git history; apply.py writes accepted changes
into content/; review.py makes the review document (Word and HTML) through the pipeline.
"""

# the manifest kind of the review: negotiation in progress, with names and comments, so the
# download site never offers it (targets/site.py)
REVIEW_KIND = "import-review"
