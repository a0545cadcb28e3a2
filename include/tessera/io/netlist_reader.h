#pragma once
// Reader of Circuit Training netlists (`netlist.pb.txt`, TensorFlow GraphDef text proto), plain or
// gzip (detected by content). Streaming: one line at a time, a hand-written tokenizer for the small
// subset of text proto the format uses (node { name input* attr { key value { placeholder | f | i } } }).
// Errors name the file, the line and the node.
#include <string>

#include "tessera/problems/netlist.h"

namespace tessera::chip {

/// Reads and finalizes a netlist. Throws InputError(path, line, ...) for unbalanced braces, unknown
/// fields or attr value types, a pin naming a missing/non-macro node, an input naming a missing node,
/// missing required attributes (macro width/height, pin macro_name).
Netlist read_netlist(const std::string& path);

/// Same, from text in memory (tests); `source` names it in errors.
Netlist parse_netlist(const std::string& text, const std::string& source);

}  // namespace tessera::chip
