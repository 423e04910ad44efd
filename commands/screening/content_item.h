// A generated content item as submitted for rights screening (screen-content).
#ifndef LEDGER_COMMANDS_SCREENING_CONTENT_ITEM_H_
#define LEDGER_COMMANDS_SCREENING_CONTENT_ITEM_H_

#include <optional>
#include <string>
#include <vector>

namespace ledger::commands::screening {

struct ContentItem {
  std::string content_id;
  std::string name;
  std::string description;
  std::optional<std::string> design_brief;
  std::vector<std::string> tags;
  // Perceptual hashes of the item's images (16 hex digits each): recorded for reviewers and
  // for later comparison; no rule reads them yet.
  std::vector<std::string> image_hashes;
  // Similarity of the item's image to the closest known mark, in basis points (0..10000),
  // as computed by the image pipeline that generated the item.
  std::optional<int> visual_similarity_bp;
};

}  // namespace ledger::commands::screening

#endif  // LEDGER_COMMANDS_SCREENING_CONTENT_ITEM_H_
