#pragma once
// One-line human summaries used by `lbdeploy check-config`.

#include <string>

#include "config/config.hpp"

namespace lbdeploy::config {

// "dmz-prod: lb1 10.0.0.11, lb2 10.0.0.12, vip 10.0.0.10; 4 services (haproxy,
//  keepalived, snmpd, zabbix-agent), 5 file entries, 1 dependency; from lb-config@main:dmz-prod/filesystem"
std::string summarize(const Config& config, const Pair& pair);

}  // namespace lbdeploy::config
