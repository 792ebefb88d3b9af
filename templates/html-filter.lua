-- HTML presentation of the intermediate (used by the html writer only; writers/html.py).
-- * Stable references: the empty span {.anchor ref="3.1:4" anchor="3.1:4"} before every
--   paragraph and commitment becomes the anchor a link can point at (#3.1:4, #A-3.1-2), with
--   the reference shown small beside the text. Where the reference is printed anyway (a remiss
--   edition's [3.1:4]) the anchor only gets the id.
-- * Fact boxes (block quotes in the intermediate) become <div class="factbox">.
-- * Footnotes are numbered notes at the end under a heading (metadata notes-title), each with a
--   link back to where it is referenced (its text: metadata notes-back).

local function stringify(value)
  return value and pandoc.utils.stringify(value) or ""
end

local spoken = {}    -- the words read before a reference: metadata ref-paragraph, ref-commitment

-- The reference shown small before the text is hidden from screen readers (they would read
-- "3.1:4" before every paragraph) and read after the text instead: "… (stycke 3.1:4)".
local function references(inlines)
  local out = pandoc.List()
  local said = nil
  for index, el in ipairs(inlines) do
    if el.t == "Span" and el.classes:includes("anchor") then
      local next_el = inlines[index + 1]
      if next_el and next_el.t == "Span" and next_el.classes:includes("ref") then
        out:insert(pandoc.Span({}, pandoc.Attr(el.attributes.anchor)))
      else
        local ref = el.attributes.ref
        out:insert(pandoc.Span({pandoc.Str(ref)}, pandoc.Attr(el.attributes.anchor, {"ref"}, {{"aria-hidden", "true"}})))
        out:insert(pandoc.Space())
        local word = ref:find(":") and spoken.paragraph or spoken.commitment
        said = "(" .. (word ~= "" and (word .. " ") or "") .. ref .. ")"
      end
    else
      out:insert(el)
    end
  end
  if said then
    out:insert(pandoc.Space())
    out:insert(pandoc.Span({pandoc.Str(said)}, pandoc.Attr("", {"visually-hidden"})))
  end
  return out
end

function Pandoc(doc)
  local title = stringify(doc.meta["notes-title"])
  local back = stringify(doc.meta["notes-back"])
  spoken.paragraph = stringify(doc.meta["ref-paragraph"])
  spoken.commitment = stringify(doc.meta["ref-commitment"])
  local notes = pandoc.List()
  doc = doc:walk({
    Inlines = references,
    -- A table wider than a phone scrolls inside its own frame (reachable by the keyboard and
    -- named by its caption), never the page.
    Table = function(el)
      local caption = stringify(el.caption.long)
      -- a list of pairs, not a Lua table: its order is the page's (a table's keys come in any order)
      local attributes = {{"role", "region"}}
      if caption ~= "" then
        table.insert(attributes, {"aria-label", caption})
      end
      table.insert(attributes, {"tabindex", "0"})
      return pandoc.Div({el}, pandoc.Attr("", {"table-scroll"}, attributes))
    end,
    -- Wording for one file format only (how to fill in the Word file, the PDF's note): the
    -- page says it its own way.
    Div = function(el)
      if el.classes:includes("only-pdf") or el.classes:includes("only-docx") then
        return {}
      end
    end,
    -- A fill-in field ([placeholder]{#f-tag}): shown as what to fill in.
    Span = function(el)
      if el.identifier:sub(1, 2) == "f-" then
        el.classes:insert("field")
        return el
      end
    end,
    BlockQuote = function(el)
      return pandoc.Div(el.content, pandoc.Attr("", {"factbox"}))
    end,
    Note = function(el)
      notes:insert(el.content)
      local n = tostring(#notes)
      return pandoc.Link({pandoc.Superscript({pandoc.Str(n)})}, "#fn-" .. n, "",
                         pandoc.Attr("fnref-" .. n, {"footnote-ref"}, {role = "doc-noteref"}))
    end,
  })
  if #notes == 0 then
    return doc
  end
  local items = pandoc.List()
  for index, blocks in ipairs(notes) do
    local n = tostring(index)
    local backlink = pandoc.Link({pandoc.Str("↩"), pandoc.Space(), pandoc.Span({pandoc.Str(back)}, pandoc.Attr("", {"visually-hidden"}))},
                                 "#fnref-" .. n, "", pandoc.Attr("", {"footnote-back"}))
    local last = blocks[#blocks]
    if last and (last.t == "Para" or last.t == "Plain") then
      last.content:insert(pandoc.Space())
      last.content:insert(backlink)
    else
      blocks:insert(pandoc.Plain({backlink}))
    end
    items:insert({pandoc.Div(blocks, pandoc.Attr("fn-" .. n))})
  end
  local heading = pandoc.Header(1, {pandoc.Str(title)}, pandoc.Attr("notes-heading", {"unnumbered", "unlisted"}))
  doc.blocks:insert(pandoc.Div({heading, pandoc.OrderedList(items)},
                               pandoc.Attr("footnotes", {"footnotes"}, {role = "doc-endnotes"})))
  return doc
end
