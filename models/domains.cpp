#include "models/domains.hpp"

#include "models/coupling/reader.hpp"
#include "models/gas/reader.hpp"
#include "models/lumped/reader.hpp"
#include "models/oil/reader.hpp"
#include "models/power/reader.hpp"

namespace steppe {

std::span<const Domain> domains() {
  static const Domain table[] = {
      {"lumped", &lumped::read_network},
      {"gas", &gas::read_network},
      {"oil", &oil::read_line},
      {"power", &power::read_system},
      {"coupling", &coupling::read_links},
  };
  return table;
}

}  // namespace steppe
