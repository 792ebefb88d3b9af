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

local function references(inlines)
  local out = pandoc.List()
  for index, el in ipairs(inlines) do
    if el.t == "Span" and el.classes:includes("anchor") then
      local next_el = inlines[index + 1]
      if next_el and next_el.t == "Span" and next_el.classes:includes("ref") then
        out:insert(pandoc.Span({}, pandoc.Attr(el.attributes.anchor)))
      else
        out:insert(pandoc.Span({pandoc.Str(el.attributes.ref)}, pandoc.Attr(el.attributes.anchor, {"ref"})))
        out:insert(pandoc.Space())
      end
    else
      out:insert(el)
    end
  end
  return out
end

function Pandoc(doc)
  local title = stringify(doc.meta["notes-title"])
  local back = stringify(doc.meta["notes-back"])
  local notes = pandoc.List()
  doc = doc:walk({
    Inlines = references,
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
