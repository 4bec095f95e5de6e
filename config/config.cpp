#include "config/config.hpp"

#include <algorithm>

namespace lbdeploy::config {

namespace {
template <typename T>
const T* find_named(const std::vector<T>& items, const std::string& name) {
    auto it = std::find_if(items.begin(), items.end(), [&](const T& item) { return item.name == name; });
    return it == items.end() ? nullptr : &*it;
}
}  // namespace

const Repository* Config::find_repository(const std::string& name) const {
    return find_named(repositories, name);
}

const Pair* Config::find_pair(const std::string& name) const { return find_named(pairs, name); }

}  // namespace lbdeploy::config
