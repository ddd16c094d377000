# docsync: in-sync documents pass; stale, unclosed and dangling regions fail with exit 1.
set(DS ${CMAKE_CURRENT_SOURCE_DIR}/docsync)
add_test(NAME docsync-in-sync COMMAND docsync --check --fragments ${DS}/frag ${DS}/in-sync.md)
foreach(bad stale unclosed missing-fragment)
  add_test(NAME docsync-refuses-${bad}
    COMMAND docsync --check --fragments ${DS}/frag ${DS}/${bad}.md)
  set_tests_properties(docsync-refuses-${bad} PROPERTIES WILL_FAIL TRUE)
endforeach()
# The error must name the region at fault, not just fail.
set_tests_properties(docsync-refuses-missing-fragment PROPERTIES
  PASS_REGULAR_EXPRESSION "region 'nosuch' has no generated fragment" WILL_FAIL FALSE)
set_tests_properties(docsync-refuses-unclosed PROPERTIES
  PASS_REGULAR_EXPRESSION "region 'table' is never closed" WILL_FAIL FALSE)
set_tests_properties(docsync-refuses-stale PROPERTIES
  PASS_REGULAR_EXPRESSION "stale.md is out of date" WILL_FAIL FALSE)
