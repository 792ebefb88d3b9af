-- One Markdown text (stdin) to several formats with one pandoc process: the text is read once
-- (reading is most of pandoc's time). Used by writers/pandoc.py (`prefetch`); each output is
-- byte for byte what `pandoc --from … --to … --lua-filter … --template …` writes, and goes to
-- standard output after its length in bytes and a newline, in the order asked.
--   arg[1]  the reader (format and extensions)
--   arg[2]  JSON: the columns, and per output: to, filters, template, toc, toc_depth,
--           reference_doc, wrap, metadata (--metadata KEY:VALUE, as strings),
--           shift_heading_level_by
-- What the command line does around the filters is done here in its order: the metadata given
-- on the command line before them (it wins over the document's), the headings shifted after
-- them (pandoc's transforms: only the body's headings; a positive shift never makes a title).
local reader, spec = arg[1], pandoc.json.decode(arg[2], false)
local doc = pandoc.read(io.read("a"), reader, {columns = spec.columns})
for _, output in ipairs(spec.outputs) do
  local converted = doc
  if output.metadata or output.shift_heading_level_by then
    converted = doc:clone()    -- the next output starts again from the text as read
  end
  for key, value in pairs(output.metadata or {}) do converted.meta[key] = value end
  for _, filter in ipairs(output.filters) do
    converted = pandoc.utils.run_lua_filter(converted, filter)
  end
  local shift = output.shift_heading_level_by
  if shift then
    converted.blocks = converted.blocks:walk {Header = function (h) h.level = h.level + shift; return h end}
  end
  local options = {columns = spec.columns}
  if output.template then
    local handle = assert(io.open(output.template, "rb"))
    options.template = pandoc.template.compile(handle:read("a"), output.template)
    handle:close()
  end
  if output.toc then options.table_of_contents = true end
  if output.toc_depth then options.toc_depth = output.toc_depth end
  if output.reference_doc then options.reference_doc = output.reference_doc end
  if output.wrap then options.wrap_text = "wrap-" .. output.wrap end
  local written = pandoc.write(converted, output.to, options)
  io.stdout:write(#written, "\n", written)
end
