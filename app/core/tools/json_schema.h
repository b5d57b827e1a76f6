// Checks a tool call's arguments against the tool's JSON Schema before anything runs, so a
// malformed call goes back to the model as a precise error ("$.expression: expected a string,
// got a number 12") instead of reaching the tool.
//
// The subset tools use (JSON Schema draft 2020-12 semantics): type (a name or a list of names:
// object, array, string, integer, number, boolean, null), properties, required, enum,
// additionalProperties (true, false or a schema), items (one schema for every element),
// minimum, maximum, exclusiveMinimum, exclusiveMaximum (numbers), minLength, maxLength
// (counted in Unicode code points), minItems, maxItems. Other keywords (description, title,
// default, ...) are annotations and ignored.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "engine/status.h"

namespace ponder::core {

using Json = nlohmann::ordered_json;

// ok, or invalid_argument naming the first problem by its JSON path ("$" is the whole value).
Status validate_json(const Json& value, const Json& schema);

// "a string \"abc\"", "a number 12", "an object", ...: how a value is named in messages.
std::string describe_json(const Json& value);

}  // namespace ponder::core
