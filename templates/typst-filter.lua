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

local function field_or_ref(el)
  if el.classes:includes("ref") then
    return wrap("#text(size: 0.8em, fill: luma(35%))[", el.content, "]")
  end
  if el.identifier:sub(1, 2) == "f-" then
    return wrap("#field(" .. typst_string(el.identifier:sub(3)) .. ", [", el.content, "])")
  end
end

-- Charts (render/charts.py): an image whose `svg` attribute holds the chart as an SVG data URI
-- is drawn from that SVG (vector, sharp in print), with its alt text for the tagged PDF.
local function chart(el)
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

local function as_typed(el)
  return typst_shorthand_safe(el.text)
end

-- Layout rules for the PDF (applied last, to the whole document) -------------------------
-- * hyphenation: the template turns typst's own hyphenation off; `hyphenation_zones` turns it
--   on only in the middle of lower-case words (`#hy[…]`), so that a hyphen leaves at least
--   HYPHEN_MIN letters on each side ("in-om", "el-ler" never happen) and capitalised words
--   (names such as "Capio Maria") and abbreviations ("LARO", "SoL") are never hyphenated.
--   Headings are not hyphenated, tables only in long words (see below);
-- * a "word" longer than LONG_WORD characters (a path, a hash) may break anywhere, so that it
--   stays inside the text block instead of running off the page;
-- * keep-together: `::: keep` blocks and line blocks (an address, a contact, a signature, with
--   the lead-in line before it) are never broken across pages; a lead-in line ("Kommunerna
--   åtar sig att:") stays with its list, and a list's first two items stay together (a list of
--   three items or fewer stays whole), so no list begins with a single line at a page's end;
--   the paragraph that introduces a table stays with the table's first rows;
-- * tables span the text width;
-- * `only-docx` content is left out, `only-pdf` content kept (wording per format);
-- * a signature line (`[]{.signature-line}`) is a rule across its table cell;
-- * a change report's deleted words (`.deleted`) are struck through, inserted ones (`.inserted`)
--   underlined, both in colour on a tinted ground (so that even a deleted comma is seen).

local HYPHEN_MIN = 3
local LONG_WORD = 40
local ZWSP = utf8.char(0x200B)

local function is_letter(cp)
  return (cp >= 65 and cp <= 90) or (cp >= 97 and cp <= 122)
      or (cp >= 0xC0 and cp <= 0x24F and cp ~= 0xD7 and cp ~= 0xF7)
end

local function is_lower(cp)
  if cp >= 97 and cp <= 122 then return true end
  if cp >= 0xDF and cp <= 0xFF then return cp ~= 0xF7 end
  if cp >= 0x100 and cp <= 0x17F then return cp % 2 == 1 end
  return false
end

-- The code points of a text and the byte at which each begins (and one past the end), so that
-- a piece of the text is one string.sub, not its code points encoded again one by one.
local function codepoints(text)
  local cps, at = {}, {}
  for pos, cp in utf8.codes(text) do
    local n = #cps + 1
    cps[n], at[n] = cp, pos
  end
  at[#cps + 1] = #text + 1
  return cps, at
end

-- A Str as inlines with hyphenation allowed only inside its lower-case words; nil when it
-- stays as it is (a text shorter than 2 * HYPHEN_MIN bytes has no such word, nor is it long).
local function hyphenation_zones(text)
  if #text < 2 * HYPHEN_MIN then return nil end
  local cps, at = codepoints(text)
  if #cps > LONG_WORD and not text:find("://", 1, true) and not text:find("^www%.") then
    local broken = {}
    for i = 1, #cps do broken[#broken + 1] = text:sub(at[i], at[i + 1] - 1) end
    return { pandoc.Str(table.concat(broken, ZWSP)) }
  end
  -- The text in pieces: plain text, and zones (`true` after the piece) where hyphenation is allowed.
  local pieces, plain_from, i, letters_only = {}, 1, 1, true
  while i <= #cps do
    if is_letter(cps[i]) then
      local j = i
      local lower = true
      while j <= #cps and is_letter(cps[j]) do
        lower = lower and is_lower(cps[j])
        j = j + 1
      end
      local n = j - i
      if lower and n >= 2 * HYPHEN_MIN then
        local zone_from, zone_to = i + HYPHEN_MIN, j - HYPHEN_MIN
        if zone_from > plain_from then
          pieces[#pieces + 1] = { text:sub(at[plain_from], at[zone_from] - 1), false }
        end
        pieces[#pieces + 1] = { text:sub(at[zone_from], at[zone_to + 1] - 1), true }
        plain_from = zone_to + 1
      end
      i = j
    else
      letters_only = false
      i = i + 1
    end
  end
  if #pieces == 0 then return nil end
  if plain_from <= #cps then pieces[#pieces + 1] = { text:sub(at[plain_from]), false } end
  -- A Str of letters only (most words) becomes one raw piece of Typst: the same text the writer
  -- prints for the pieces as elements (letters are never escaped), in a fifth of the elements
  -- pandoc hands back and writes (the agreement's Typst conversion: ~80 ms less of ~0.5 s).
  if letters_only then
    local typst = {}
    for _, piece in ipairs(pieces) do
      typst[#typst + 1] = piece[2] and ("#hy[" .. piece[1] .. "]") or piece[1]
    end
    return pandoc.RawInline("typst", table.concat(typst))
  end
  local out = {}
  for _, piece in ipairs(pieces) do
    if piece[2] then
      out[#out + 1] = pandoc.RawInline("typst", "#hy[")
      out[#out + 1] = pandoc.Str(piece[1])
      out[#out + 1] = pandoc.RawInline("typst", "]")
    else
      out[#out + 1] = pandoc.Str(piece[1])
    end
  end
  return out
end

-- Each Str in place of itself (pandoc splices the pieces in): a function of Str, not of
-- every list of inlines rebuilt whole, takes the agreement's hyphenation from ~0.27 to ~0.16 s of
-- pandoc's time, and its PDF is made that much sooner.
local hyphenation_filter = {
  traverse = "topdown",
  Str = function(el) return hyphenation_zones(el.text) end,
}
hyphenation_filter.Header = function(el) return el, false end   -- headings are never hyphenated
hyphenation_filter.Code = function(el) return el, false end
-- In tables (body cells only) only long words may be hyphenated: the columns are made as wide
-- as their longest word where the text width allows; where it does not, a long word is
-- hyphenated rather than run out of its cell. Shorter words never are: in a narrow column
-- hyphens would pile up line after line.
local TABLE_HYPHEN_MIN_LENGTH = 16
local table_hyphenation = {
  traverse = "topdown",
  Str = function(el)
    if utf8.len(el.text) >= TABLE_HYPHEN_MIN_LENGTH then return hyphenation_zones(el.text) end
  end,
}
hyphenation_filter.Table = function(tbl)
  for _, body in ipairs(tbl.bodies) do
    for _, row in ipairs(body.body) do
      for _, cell in ipairs(row.cells) do
        cell.contents = cell.contents:walk(table_hyphenation)
      end
    end
  end
  return tbl, false
end

local function raw(text) return pandoc.RawBlock("typst", text) end

local function ends_with_colon(block)
  if block.t ~= "Para" and block.t ~= "Plain" then return false end
  local text = pandoc.utils.stringify(block)
  return text:match(":%s*$") ~= nil
end

local function is_list(block)
  return block and (block.t == "BulletList" or block.t == "OrderedList")
end

local function is_line_block(block)
  return block and block.t == "LineBlock"
end

local function is_table(block)
  return block and (block.t == "Table" or block.t == "Figure")
end

local function list_head(list, count)
  local copy = list:clone()
  local items = pandoc.List()
  for i = 1, count do items:insert(list.content[i]) end
  copy.content = items
  return copy
end

local function list_tail(list, from)
  local copy = list:clone()
  local items = pandoc.List()
  for i = from, #list.content do items:insert(list.content[i]) end
  copy.content = items
  if copy.t == "OrderedList" then copy.start = list.start + from - 1 end
  return copy
end

-- Blocks with lead-ins and lists grouped so that they do not part at a page break; nil when
-- nothing is to be grouped (pandoc then keeps the blocks as they are, without reading them back).
local function keep_lists(blocks)
  local out = pandoc.Blocks({})
  local changed = false
  local i = 1
  while i <= #blocks do
    local block = blocks[i]
    local lead = nil
    if (ends_with_colon(block) and (is_list(blocks[i + 1]) or is_line_block(blocks[i + 1])))
        or ((block.t == "Para" or block.t == "Plain") and is_table(blocks[i + 1])) then
      lead = block
      i = i + 1
      block = blocks[i]
    end
    if is_list(block) and #block.content >= 2 then
      local whole = #block.content <= 3
      out:insert(raw("#block(breakable: false" .. (whole and "" or ", below: 0.75em") .. ")["))
      if lead then out:insert(lead) end
      out:insert(whole and block or list_head(block, 2))
      out:insert(raw("]"))
      if not whole then out:insert(list_tail(block, 3)) end
      changed = true
    elseif is_line_block(block) then                 -- an address or a signature: whole, with its lead-in
      out:insert(raw("#block(breakable: false)["))
      if lead then out:insert(lead) end
      out:insert(block)
      out:insert(raw("]"))
      changed = true
    elseif lead then
      out:insert(raw("#block(sticky: true)["))
      out:insert(lead)
      out:insert(raw("]"))
      out:insert(block)
      changed = true
    else
      out:insert(block)
    end
    i = i + 1
  end
  if changed then return out end
  return nil
end

-- A table spans the text width: its columns' shares (from the grid table's dashes, which pandoc
-- counts with the borders) are made to add up to the whole.
local function full_width(tbl)
  local total = 0
  for _, spec in ipairs(tbl.colspecs) do
    if type(spec[2]) ~= "number" then return nil end
    total = total + spec[2]
  end
  if total <= 0 then return nil end
  for i, spec in ipairs(tbl.colspecs) do
    tbl.colspecs[i] = { spec[1], spec[2] / total }
  end
  return tbl
end

local layout_filter = {
  Table = full_width,
  Div = function(el)
    if el.classes:includes("only-docx") then return {} end
    if el.classes:includes("only-pdf") then return el.content end
    if el.classes:includes("keep") then
      -- room above as above the heading it may start with (typst drops a heading's own
      -- spacing at the start of a block)
      local heading = el.content[1] and el.content[1].t == "Header" and el.content[1].level == 1
      local out = pandoc.Blocks({ raw("#block(breakable: false, above: " .. (heading and "3.2em" or "1.2em") .. ")[") })
      out:extend(el.content)
      out:insert(raw("]"))
      return out
    end
  end,
  Span = function(el)
    if el.classes:includes("only-docx") then return {} end
    if el.classes:includes("only-pdf") then return el.content end
    if el.classes:includes("deleted") then                -- a change report's deleted words
      return { pandoc.RawInline("typst", '#highlight(fill: rgb("#fbe3e4"))[#text(fill: rgb("#a4262c"))[#strike['), el,
               pandoc.RawInline("typst", "]]]") }
    end
    if el.classes:includes("inserted") then               -- … and inserted words
      return { pandoc.RawInline("typst", '#highlight(fill: rgb("#e1f3e8"))[#text(fill: rgb("#0b6a34"))[#underline['), el,
               pandoc.RawInline("typst", "]]]") }
    end
    if el.classes:includes("signature-line") then
      return pandoc.RawInline("typst", "#box(width: 1fr, height: 2.2em, stroke: (bottom: 0.6pt + luma(20%)))")
    end
    return field_or_ref(el)
  end,
  Image = chart,
  Str = as_typed,
  Blocks = keep_lists,
}

-- One walk over the whole document (metadata too: a title holds fill-in fields) does everything
-- but hyphenation: every walk costs pandoc a reading of the document (a routine template's
-- conversion: 8 ms less than in three walks). Hyphenation comes after it, in the text only (not
-- the title or header), and sees the Str pieces `as_typed` made, as it always did.
function Pandoc(doc)
  doc = doc:walk(layout_filter)
  if doc.meta.hyphenate then
    doc.blocks = doc.blocks:walk(hyphenation_filter)
  end
  return doc
end
