#include "pipeline/rollout/placeholders.hpp"

#include <array>
#include <utility>

namespace lbdeploy::rollout {

std::string expand(const std::string& text, const Placeholders& values) {
    const std::array<std::pair<std::string_view, const std::string*>, 4> names{{
        {"{pair}", &values.pair}, {"{node}", &values.node}, {"{host}", &values.host}, {"{vip}", &values.vip}}};
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        bool replaced = false;
        for (const auto& [name, value] : names) {
            if (text.compare(i, name.size(), name) == 0) {
                out += *value;
                i += name.size();
                replaced = true;
                break;
            }
        }
        if (!replaced) out += text[i++];
    }
    return out;
}

}  // namespace lbdeploy::rollout
