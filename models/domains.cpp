#include "models/domains.hpp"

#include "models/coupling/reader.hpp"
#include "models/gas/reader.hpp"
#include "models/lumped/reader.hpp"
#include "models/oil/reader.hpp"
#include "models/power/reader.hpp"

namespace steppe {

std::span<const Domain> domains() {
  static const Domain table[] = {
      {"lumped", &lumped::read_network, &lumped::kind_list},
      {"gas", &gas::read_network, &gas::kind_list},
      {"oil", &oil::read_line, &oil::kind_list},
      {"power", &power::read_system, &power::kind_list},
      {"coupling", &coupling::read_links, &coupling::kind_list},
  };
  return table;
}

}  // namespace steppe
