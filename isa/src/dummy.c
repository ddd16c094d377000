static int dpu_isa_placeholder_ = 0; int dpu_isa_placeholder(void); int dpu_isa_placeholder(void) { return dpu_isa_placeholder_; }
