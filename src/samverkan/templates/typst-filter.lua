-- PDF presentation of the intermediate (used by the pdf writer only).
-- Paragraph references in remiss editions ([3.1:4]) are set small and grey.
-- Fill-in fields (spans whose id starts with "f-") become calls of the typst function
-- `field` (templates/document.typ), which prints the value given for the field, or the
-- placeholder in a grey box.

local function wrap(before, inlines, after)
  local out = { pandoc.RawInline("typst", before) }
  for _, inline in ipairs(inlines) do
    table.insert(out, inline)
  end
  table.insert(out, pandoc.RawInline("typst", after))
  return out
end

function Span(el)
  if el.classes:includes("ref") then
    return wrap("#text(size: 0.8em, fill: luma(35%))[", el.content, "]")
  end
  if el.identifier:sub(1, 2) == "f-" then
    return wrap('#field("' .. el.identifier:sub(3) .. '", [', el.content, "])")
  end
end
