-- Word presentation of the intermediate (used by the docx writer only).
-- Unlisted headings (subheadings inside a numbered section, such as "Målsättning") become
-- paragraphs in the style "Underrubrik N", so that Word's table of contents, which lists
-- the built-in heading styles, shows only the numbered sections. The styles live in
-- reference.docx, where the secretariat can change how they look.

function Header(el)
  if el.classes:includes("unlisted") then
    local level = math.min(el.level, 4)
    return pandoc.Div({pandoc.Para(el.content)}, {["custom-style"] = "Underrubrik " .. level})
  end
end

-- Paragraph references in remiss editions ([3.1:4]) use the character style "Hänvisning".
function Span(el)
  if el.classes:includes("ref") then
    el.attributes["custom-style"] = "Hänvisning"
    return el
  end
end
