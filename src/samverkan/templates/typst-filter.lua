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

-- A value inside a Typst string literal: backslash, quote and line breaks escaped.
local function typst_string(text)
  return '"' .. text:gsub("\\", "\\\\"):gsub('"', '\\"'):gsub("\r", ""):gsub("\n", "\\n") .. '"'
end

function Span(el)
  if el.classes:includes("ref") then
    return wrap("#text(size: 0.8em, fill: luma(35%))[", el.content, "]")
  end
  if el.identifier:sub(1, 2) == "f-" then
    return wrap("#field(" .. typst_string(el.identifier:sub(3)) .. ", [", el.content, "])")
  end
end

-- Charts (render/charts.py): an image whose `svg` attribute holds the chart as an SVG data URI
-- is drawn from that SVG (vector, sharp in print), with its alt text for the tagged PDF.
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

-- Text printed as typed (escaping only; layout lives in document.typ). Pandoc's Typst
-- writer escapes Typst's markup characters, but not every shorthand Typst turns into another
-- character: "..." (→ …), "-?" (→ a soft hyphen), "-" before a digit (→ the minus sign −).
-- It also writes ’ – — as ' -- ---, which Typst turns back by guessing (’ after a digit
-- becomes the prime ′). And a word that starts a line in Typst's eyes (also right after a
-- list marker, where pandoc does not look) must not start with a list, term or heading marker
-- ("+ ", "/ ", "= ", "1. "). Those characters are written as Typst escapes or as themselves,
-- so the PDF shows what the editor typed.
local AS_TYPED = { [0x2019] = true, [0x2013] = true, [0x2014] = true }

local function typst_shorthand_safe(text)
  if not (text:find("%-[%d?]") or text:find("%.%.") or text:find("\xE2\x80[\x93\x94\x99]")
          or text:find("^[/+=%-]") or text:find("^%d+%.")) then
    return nil
  end
  local codes = {}
  for _, code in utf8.codes(text) do
    table.insert(codes, code)
  end
  local out, buffer = {}, {}
  local function flush()
    if #buffer > 0 then
      table.insert(out, pandoc.Str(utf8.char(table.unpack(buffer))))
      buffer = {}
    end
  end
  local function raw(typst)
    flush()
    table.insert(out, pandoc.RawInline("typst", typst))
  end
  for i, code in ipairs(codes) do
    local before, after = codes[i - 1], codes[i + 1]
    local c = utf8.char(code)
    if (c == "-" and after and (utf8.char(after):match("%d") or after == 0x3F))
        or (c == "." and (after == 0x2E or before == 0x2E))
        or (i == 1 and c:match("^[/+=%-]$"))
        or (c == "." and i > 1 and utf8.char(table.unpack(codes, 1, i - 1)):match("^%d+$")) then
      raw("\\" .. c)
    elseif AS_TYPED[code] then
      raw(c)
    else
      table.insert(buffer, code)
    end
  end
  flush()
  return out
end

function Str(el)
  return typst_shorthand_safe(el.text)
end
