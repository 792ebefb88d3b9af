"""Word (OOXML) helpers shared by the writers, the remiss and the redline: WordprocessingML
elements, content controls (fill-in fields) and byte-stable zip packages."""
