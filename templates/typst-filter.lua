-- PDF presentation of the intermediate (used by the pdf writer only).
-- Fill-in fields (spans whose id starts with "f-") become calls of the typst function
-- `field` (templates/document.typ), which prints the value given for the field, or the
-- placeholder in a grey box.

-- Paragraph references in remiss editions ([3.1:4]) are set small and grey.

function Span(el)
  if el.classes:includes("ref") then
    local out = { pandoc.RawInline("typst", "#text(size: 0.8em, fill: luma(35%))[") }
    for _, inline in ipairs(el.content) do
      table.insert(out, inline)
    end
    table.insert(out, pandoc.RawInline("typst", "]"))
    return out
  end
  if el.identifier:sub(1, 2) == "f-" then
    local tag = el.identifier:sub(3)
    local out = { pandoc.RawInline("typst", '#field("' .. tag .. '", [') }
    for _, inline in ipairs(el.content) do
      table.insert(out, inline)
    end
    table.insert(out, pandoc.RawInline("typst", "])"))
    return out
  end
end
