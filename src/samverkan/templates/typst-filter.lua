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

-- Charts (render/charts.py): an image whose `svg` attribute holds the chart as an SVG data URI
-- is drawn from that SVG (vector, sharp in print), with its alt text for the tagged PDF.
local function typst_string(text)
  return '"' .. text:gsub('\\', '\\\\'):gsub('"', '\\"'):gsub('\r', ''):gsub('\n', '\\n') .. '"'
end

function Image(el)
  local svg = el.attributes["svg"]
  if svg == nil then
    return nil
  end
  local _, contents = pandoc.mediabag.fetch(svg)
  local alt = pandoc.utils.stringify(el.caption)
  return pandoc.RawInline("typst", "#image(bytes(" .. typst_string(contents) .. "), format: \"svg\", width: 100%, alt: "
    .. typst_string(alt) .. ")")
end
