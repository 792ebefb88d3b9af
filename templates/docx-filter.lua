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
-- Every paragraph's and commitment's anchor becomes a bookmark named `bookmark` (made in
-- Python, imports/anchors.py), here with the prefix "samverkan" that the Word writer takes
-- off again: pandoc rewrites ids that start with "_", which Word needs to hide a bookmark.
function Span(el)
  if el.classes:includes("anchor") and el.attributes.bookmark then
    return pandoc.Span({}, pandoc.Attr("samverkan" .. el.attributes.bookmark))
  end
  if el.classes:includes("ref") then
    el.attributes["custom-style"] = "Hänvisning"
    return el
  end
end

-- Layout rules for Word (applied last, to the whole document) -----------------------------
-- * `only-pdf` content is left out, `only-docx` content kept (wording per format);
-- * a `::: keep` block gets an id "keep-N", which pandoc writes as a bookmark around it: the
--   docx writer keeps everything inside on one page (keep with next, rows never split) and
--   removes the bookmark; a line block (an address, a contact, a signature: one paragraph with
--   line breaks) is kept the same way, with the lead-in line ending in ":" before it;
-- * a change report's deleted words take the character style "Borttagen text" (struck
--   through), inserted ones "Tillagd text" (underlined);
-- * a paragraph with a signature line (`[]{.signature-line}`) takes the paragraph style
--   "Underskriftsrad": its text stands on a rule to sign on, with room above (reference.docx).

local function has_signature_line(block)
  if block.t ~= "Para" and block.t ~= "Plain" then return false end
  for _, inline in ipairs(block.content) do
    if inline.t == "Span" and inline.classes:includes("signature-line") then return true end
  end
  return false
end

local function signature_paragraph(block)
  if not has_signature_line(block) then return nil end
  local content = pandoc.Inlines({})
  for _, inline in ipairs(block.content) do
    if not (inline.t == "Span" and inline.classes:includes("signature-line")) then content:insert(inline) end
  end
  return pandoc.Div({ pandoc.Para(content) }, { ["custom-style"] = "Underskriftsrad" })
end

local keep_count = 0

local function keep(blocks)
  keep_count = keep_count + 1
  return pandoc.Div(blocks, pandoc.Attr("keep-" .. keep_count))
end

local layout_filter = {
  Blocks = function(blocks)                   -- line blocks, each with the lead-in line before it
    local found = false
    for _, block in ipairs(blocks) do
      if block.t == "LineBlock" then found = true; break end
    end
    if not found then return nil end          -- unchanged: pandoc keeps the blocks without reading them back
    local out, i = pandoc.Blocks({}), 1
    while i <= #blocks do
      local block, following = blocks[i], blocks[i + 1]
      if following and following.t == "LineBlock" and (block.t == "Para" or block.t == "Plain")
          and pandoc.utils.stringify(block):match(":%s*$") then
        out:insert(keep({ block, following }))
        i = i + 2
      else
        out:insert(block.t == "LineBlock" and keep({ block }) or block)
        i = i + 1
      end
    end
    return out
  end,
  Div = function(el)
    if el.classes:includes("only-pdf") then return {} end
    if el.classes:includes("only-docx") then return el.content end
    if el.classes:includes("keep") then return keep(el.content) end
  end,
  Span = function(el)
    if el.classes:includes("only-pdf") then return {} end
    if el.classes:includes("only-docx") then return el.content end
    if el.classes:includes("deleted") then          -- a change report's deleted and inserted words
      el.attributes["custom-style"] = "Borttagen text"
      return el
    end
    if el.classes:includes("inserted") then
      el.attributes["custom-style"] = "Tillagd text"
      return el
    end
  end,
}

local signature_filter = { Plain = signature_paragraph, Para = signature_paragraph }

function Pandoc(doc)
  return doc:walk(layout_filter):walk(signature_filter)
end
