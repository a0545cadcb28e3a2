#pragma once
// Readers of bin-packing instance files.
//
// BPPLIB format (Delorme, Iori, Martello 2018): whitespace-separated integers, one value per line:
//   n            number of items
//   c            bin capacity
//   w_1 .. w_n   item weights
//
// OR-Library binpack format (Beasley; binpack1..8, Falkenauer 1996): several instances per file:
//   P                      number of instances
//   then P times:  identifier (e.g. u120_00)
//                  c n best   capacity, item count, bin count of the best-known solution
//                  w_1 .. w_n one weight per line; may carry decimals (triplets: 42.1 with c = 100.0)
// Decimal weights are scaled by the smallest power of ten that makes the capacity and every weight
// integral (BinPackingInstance::scale records it), so t60 from OR-Library equals BPPLIB's copy.
//
// Errors are strict: InputError names the file, the line and what was expected.
#include <string>
#include <vector>

#include "tessera/problems/bin_packing_instance.h"

namespace tessera::binpack {

/// Reads one BPPLIB instance; the name is the file stem.
BinPackingInstance read_bpplib(const std::string& path);

/// Reads every instance of an OR-Library binpack file (best_known set from each header).
std::vector<BinPackingInstance> read_orlib_binpack(const std::string& path);

/// Detects the format (OR-Library when the second non-empty line is not a number) and reads all
/// instances of the file (one for BPPLIB).
std::vector<BinPackingInstance> read_bin_packing_file(const std::string& path);

/// Writes an instance in BPPLIB format (atomically).
void write_bpplib(const std::string& path, const BinPackingInstance& instance);

}  // namespace tessera::binpack
