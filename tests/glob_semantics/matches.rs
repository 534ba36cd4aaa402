//! One line per case: `name: pattern, path => expected`.

macro_rules! cases {
    ($($name:ident: $pattern:expr, $path:expr => $expected:expr;)*) => {
        $(
            #[test]
            fn $name() {
                super::assert_matches($pattern, $path, $expected);
            }
        )*
    };
}

// Literals: the whole path, from the root, byte for byte.
cases! {
    literal_exact: "a", "a" => true;
    literal_not_a_prefix: "a", "ab" => false;
    literal_not_a_suffix: "b", "ab" => false;
    literal_anchored_at_root: "b", "a/b" => false;
    literal_whole_path: "docs/index.md", "docs/index.md" => true;
    literal_not_in_subdirectory: "docs/index.md", "site/docs/index.md" => false;
    literal_case_sensitive: "README.md", "readme.md" => false;
    literal_case_sensitive_other_way: "readme.md", "README.md" => false;
    literal_dot_is_not_a_wildcard: "a.c", "abc" => false;
    literal_regex_characters: "a+(b)|c$^.txt", "a+(b)|c$^.txt" => true;
    literal_comma_outside_group: "a,b", "a,b" => true;
    literal_close_bracket: "a]", "a]" => true;
    literal_bang: "!a", "!a" => true;
    literal_space: "my file.txt", "my file.txt" => true;
    literal_dash: "a-b_c", "a-b_c" => true;
}

// `*`: any run of bytes within one segment, including none and including a leading `.`.
cases! {
    star_matches_a_name: "*", "a" => true;
    star_matches_a_dotfile: "*", ".env" => true;
    star_does_not_cross_slash: "*", "a/b" => false;
    star_can_be_empty: "a*", "a" => true;
    star_suffix: "*.md", "a.md" => true;
    star_matches_empty_name_before_extension: "*.md", ".md" => true;
    star_in_directory: "docs/*.md", "docs/a.md" => true;
    star_not_in_subdirectory: "docs/*.md", "docs/x/a.md" => false;
    star_in_middle: "a*b", "axxb" => true;
    star_in_middle_not_across_slash: "a*b", "a/b" => false;
    star_as_directory: "*/b", "a/b" => true;
    star_as_directory_is_one_level: "*/b", "a/c/b" => false;
    star_two_segments: "*/*", "a/b" => true;
    star_two_segments_need_a_slash: "*/*", "a" => false;
    star_several: "*a*b*", "xaybz" => true;
    star_backtracking: "*a*a*a*b", "aaaaaaaaab" => true;
    star_backtracking_fails: "*a*a*a*b", "aaaaaaaaa" => false;
}

// `?`: exactly one byte, never `/`.
cases! {
    question_one_byte: "?", "a" => true;
    question_not_zero: "a?", "a" => false;
    question_not_two: "?", "ab" => false;
    question_not_slash: "a?b", "a/b" => false;
    question_matches_dot: "?env", ".env" => true;
    question_in_name: "file?.txt", "file1.txt" => true;
    question_only_one: "file?.txt", "file10.txt" => false;
}

// `**`: any number of whole directories.
cases! {
    double_star_alone_matches_a_file: "**", "a" => true;
    double_star_alone_matches_deep: "**", "a/b/c" => true;
    double_star_alone_matches_dot_directories: "**", ".git/config" => true;
    double_star_prefix_matches_at_root: "**/a", "a" => true;
    double_star_prefix_matches_deep: "**/a", "x/y/a" => true;
    double_star_prefix_whole_name: "**/a", "x/ba" => false;
    double_star_prefix_not_a_prefix: "**/a", "x/ab" => false;
    double_star_prefix_needs_the_slash: "**/a", "xa" => false;
    double_star_suffix_inside: "a/**", "a/b" => true;
    double_star_suffix_deep: "a/**", "a/b/c" => true;
    double_star_suffix_not_the_directory_itself: "a/**", "a" => false;
    double_star_suffix_not_a_sibling: "a/**", "ab/c" => false;
    double_star_middle_zero_directories: "a/**/b", "a/b" => true;
    double_star_middle_one_directory: "a/**/b", "a/x/b" => true;
    double_star_middle_many_directories: "a/**/b", "a/x/y/b" => true;
    double_star_middle_whole_names_before: "a/**/b", "ax/b" => false;
    double_star_middle_whole_names_after: "a/**/b", "a/xb" => false;
    double_star_both_ends: "**/a/**", "x/a/y" => true;
    double_star_both_ends_at_root: "**/a/**", "a/y" => true;
    double_star_both_ends_needs_something_inside: "**/a/**", "x/a" => false;
    double_star_with_extension_at_root: "**/*.sql", "q.sql" => true;
    double_star_with_extension_deep: "**/*.sql", "db/migrations/q.sql" => true;
    double_star_with_extension_exact: "**/*.sql", "q.sqlx" => false;
    double_star_middle_then_star: "src/**/test_*.py", "src/test_a.py" => true;
    double_star_middle_then_star_deep: "src/**/test_*.py", "src/x/y/test_a.py" => true;
    double_star_middle_then_star_prefix_only: "src/**/test_*.py", "src/x/a_test.py" => false;
    double_star_two_in_a_row_apart: "a/**/b/**/c", "a/b/c" => true;
    double_star_two_apart_deep: "a/**/b/**/c", "a/x/b/y/z/c" => true;
}

// Dotfiles: nothing special, `.env*` is at the root, `**/.env*` anywhere.
cases! {
    dotfile_env_star_matches_env: ".env*", ".env" => true;
    dotfile_env_star_matches_local: ".env*", ".env.local" => true;
    dotfile_env_star_only_at_root: ".env*", "config/.env" => false;
    dotfile_env_star_not_env_without_dot: ".env*", "env" => false;
    dotfile_any_depth_root: "**/.env*", ".env" => true;
    dotfile_any_depth_nested: "**/.env*", "config/.env" => true;
    dotfile_any_depth_deep_local: "**/.env*", "a/b/.env.local" => true;
    dotfile_any_depth_not_env: "**/.env*", "a/env" => false;
    dotfile_star_directory: "*/config", ".git/config" => true;
    dotfile_question: "?git/*", ".git/HEAD" => true;
}

// Classes: one byte from a set; negated classes one byte not in it; never `/`.
cases! {
    class_member: "[abc]", "b" => true;
    class_not_member: "[abc]", "d" => false;
    class_one_byte_only: "[ab]", "ab" => false;
    class_range: "[a-z]", "q" => true;
    class_range_case_sensitive: "[a-z]", "Q" => false;
    class_digits: "v[0-9].txt", "v7.txt" => true;
    class_digits_not_letter: "v[0-9].txt", "vx.txt" => false;
    class_ranges_and_members: "[a-cx0-2]", "x" => true;
    class_negated_bang: "[!a]", "b" => true;
    class_negated_bang_excludes: "[!a]", "a" => false;
    class_negated_caret: "[^a]", "b" => true;
    class_negated_caret_excludes: "[^a]", "a" => false;
    class_negated_range: "[!a-c]x", "dx" => true;
    class_negated_range_excludes: "[!a-c]x", "bx" => false;
    class_negated_never_slash: "a[!b]c", "a/c" => false;
    class_negated_caret_never_slash: "a[^b]c", "a/c" => false;
    class_range_spanning_slash_never_slash: "notes[ -~]txt", "notes/txt" => false;
    class_range_spanning_slash_keeps_the_rest: "notes[ -~]txt", "notes.txt" => true;
    class_range_around_slash_never_slash: "x[.-0]y", "x/y" => false;
    class_range_around_slash_keeps_its_ends: "x[.-0]y", "x0y" => true;
    class_negated_dotfile: "[!a]*", ".git" => true;
    class_dash_first: "[-a]", "-" => true;
    class_dash_last: "[a-]", "-" => true;
    class_dash_after_range: "[a-c-]", "-" => true;
    class_negated_dash: "[!-]", "a" => true;
    class_negated_dash_excludes: "[!-]", "-" => false;
    class_star_is_literal: "[*]", "*" => true;
    class_star_is_not_wildcard: "[*]", "a" => false;
    class_question_is_literal: "[?]", "?" => true;
    class_brace_is_literal: "[{]", "{" => true;
    class_bang_not_first: "[a!]", "!" => true;
    class_dot: "[.]env", ".env" => true;
}

// Alternatives: any one of them, followed by the rest of the pattern.
cases! {
    alternatives_first: "{a,b}", "a" => true;
    alternatives_second: "{a,b}", "b" => true;
    alternatives_neither: "{a,b}", "c" => false;
    alternatives_only_one: "{a,b}", "ab" => false;
    alternatives_single: "{a}", "a" => true;
    alternatives_many: "{a,b,c,d}", "d" => true;
    alternatives_extensions: "*.{yml,yaml}", "x.yaml" => true;
    alternatives_extensions_short: "*.{yml,yaml}", "x.yml" => true;
    alternatives_extensions_neither: "*.{yml,yaml}", "x.ym" => false;
    alternatives_directories: "{src,lib}/**/*.rs", "lib/a/b.rs" => true;
    alternatives_directories_other: "{src,lib}/**/*.rs", "bin/a.rs" => false;
    alternatives_with_slash: "{a/b,c}/d", "a/b/d" => true;
    alternatives_with_slash_other: "{a/b,c}/d", "c/d" => true;
    alternatives_with_slash_partial: "{a/b,c}/d", "a/d" => false;
    alternatives_empty_first: "x{,.bak}", "x" => true;
    alternatives_empty_first_other: "x{,.bak}", "x.bak" => true;
    alternatives_empty_first_neither: "x{,.bak}", "x.orig" => false;
    alternatives_empty_last: "x{.bak,}", "x" => true;
    alternatives_star_inside: "{a*,b}", "ax" => true;
    alternatives_star_inside_no_slash: "{a*,b}", "a/x" => false;
    alternatives_class_inside: "{[ab],c}x", "bx" => true;
    alternatives_comma_in_class: "{[,],x}", "," => true;
    alternatives_escaped_comma: "{a\\,b,c}", "a,b" => true;
    alternatives_escaped_comma_not_split: "{a\\,b,c}", "a" => false;
    alternatives_two_groups: "{a,b}{c,d}", "bd" => true;
    alternatives_two_groups_order: "{a,b}{c,d}", "db" => false;
    alternatives_double_star_prefix: "{**/a,b}", "x/a" => true;
    alternatives_double_star_prefix_at_root: "{**/a,b}", "a" => true;
    alternatives_double_star_prefix_other: "{**/a,b}", "b" => true;
    alternatives_double_star_prefix_other_not_deep: "{**/a,b}", "x/b" => false;
    alternatives_double_star_suffix: "{a/**,b}", "a/x" => true;
    alternatives_double_star_suffix_not_directory: "{a/**,b}", "a" => false;
    alternatives_double_star_suffix_other: "{a/**,b}", "b" => true;
    alternatives_double_star_middle: "{a/**/b,c}", "a/b" => true;
    alternatives_after_directory: "x/{**/a,b}", "x/y/a" => true;
    alternatives_after_directory_zero: "x/{**/a,b}", "x/a" => true;
    alternatives_after_directory_other_not_deep: "x/{**/a,b}", "x/y/b" => false;
    alternatives_after_double_star: "**/{**/a,b}", "x/y/a" => true;
}

// Escapes: `\c` is the character `c`.
cases! {
    escape_star: "a\\*", "a*" => true;
    escape_star_not_wildcard: "a\\*", "ab" => false;
    escape_question: "\\?", "?" => true;
    escape_question_not_wildcard: "\\?", "a" => false;
    escape_bracket: "\\[a]", "[a]" => true;
    escape_bracket_not_class: "\\[a]", "a" => false;
    escape_braces: "\\{a,b\\}", "{a,b}" => true;
    escape_braces_not_alternatives: "\\{a,b\\}", "a" => false;
    escape_ordinary_character: "\\a", "a" => true;
    escape_star_then_star: "\\**", "*abc" => true;
    escape_star_then_star_needs_star: "\\**", "abc" => false;
}

// Non-ASCII: literal bytes; `?` and classes take one byte.
cases! {
    unicode_literal_directory: "données/*.csv", "données/a.csv" => true;
    unicode_star_covers_all_bytes: "*.txt", "été.txt" => true;
    unicode_question_is_one_byte: "?.txt", "é.txt" => false;
    unicode_two_questions_for_two_bytes: "??.txt", "é.txt" => true;
    unicode_case_sensitive: "É", "é" => false;
    unicode_emoji_directory: "🚀/**", "🚀/a" => true;
    unicode_negated_class_takes_one_byte: "[!a]", "é" => false;
    unicode_negated_class_then_question: "[!a]?", "é" => true;
}

// Bytes that are not text-like: wildcards take them like any other byte.
cases! {
    bytes_newline_in_star: "*", "a\nb" => true;
    bytes_newline_in_question: "a?b", "a\nb" => true;
    bytes_newline_in_directories: "**/b", "a\nx/b" => true;
    bytes_newline_in_rest: "a/**", "a/x\ny" => true;
    bytes_tab_literal: "a\tb", "a\tb" => true;
}

// The kind of patterns Autopack's NEVER_AUTO_APPROVE list holds.
cases! {
    autopack_migrations: "alembic/versions/**", "alembic/versions/001_init.py" => true;
    autopack_migrations_deep: "alembic/versions/**", "alembic/versions/old/002.py" => true;
    autopack_migrations_not_env: "alembic/versions/**", "alembic/env.py" => false;
    autopack_migrations_not_directory: "alembic/versions/**", "alembic/versions" => false;
    autopack_models: "src/autopack/models.py", "src/autopack/models.py" => true;
    autopack_models_not_compiled: "src/autopack/models.py", "src/autopack/models.pyc" => false;
    autopack_models_not_elsewhere: "src/autopack/models.py", "src/autopack/db/models.py" => false;
    autopack_git: ".git/**", ".git/config" => true;
    autopack_git_deep: ".git/**", ".git/refs/heads/main" => true;
    autopack_git_not_github: ".git/**", ".github/workflows/ci.yml" => false;
    autopack_git_not_nested: ".git/**", "vendor/.git/config" => false;
    autopack_production: "config/production.yaml", "config/production.yaml" => true;
    autopack_production_not_backup: "config/production.yaml", "config/production.yaml.bak" => false;
    autopack_production_not_staging: "config/production.yaml", "config/staging.yaml" => false;
    autopack_tests: "tests/test_*.py", "tests/test_api.py" => true;
    autopack_tests_empty_rest: "tests/test_*.py", "tests/test_.py" => true;
    autopack_tests_not_nested: "tests/test_*.py", "tests/unit/test_api.py" => false;
    autopack_tests_not_suffix_style: "tests/test_*.py", "tests/api_test.py" => false;
    autopack_docs: "docs/*.md", "docs/index.md" => true;
    autopack_docs_not_nested: "docs/*.md", "docs/guide/intro.md" => false;
    autopack_docs_not_mdx: "docs/*.md", "docs/index.mdx" => false;
}

// Regressions: constructs where globset's plain reading differs from gavel's meaning, and how
// gavel keeps the two equal (see `globset_quirks` for globset's own behaviour).
cases! {
    regression_negated_class_matched_slash_in_globset: "x[!a]y", "x/y" => false;
    regression_negated_class_with_leading_dash: "x[!-a]y", "x/y" => false;
    regression_negated_class_in_alternative: "x{[!a],b}c", "x/c" => false;
    regression_empty_alternative_dropped_by_default: "a{,b}", "a" => true;
    regression_star_does_not_cross_slash_by_default: "a*", "a/b" => false;
}

// The table in the `gavel::glob` module documentation, row by row.
cases! {
    docs_table_star_md: "docs/*.md", "docs/a.md" => true;
    docs_table_star_md_empty_name: "docs/*.md", "docs/.md" => true;
    docs_table_star_md_not_nested: "docs/*.md", "docs/x/a.md" => false;
    docs_table_star_md_not_root: "docs/*.md", "a.md" => false;
    docs_table_env_root: ".env*", ".env" => true;
    docs_table_env_local: ".env*", ".env.local" => true;
    docs_table_env_not_nested: ".env*", "config/.env" => false;
    docs_table_env_anywhere: "**/.env*", "config/.env" => true;
    docs_table_env_anywhere_deep: "**/.env*", "a/b/.env.local" => true;
    docs_table_env_anywhere_not_env: "**/.env*", "env" => false;
    docs_table_inside: "a/**", "a/x/y" => true;
    docs_table_inside_not_itself: "a/**", "a" => false;
    docs_table_between: "a/**/b", "a/x/y/b" => true;
    docs_table_between_needs_slashes: "a/**/b", "ab" => false;
    docs_table_question: "file?.txt", "file1.txt" => true;
    docs_table_question_not_slash: "file?.txt", "file/.txt" => false;
    docs_table_question_not_two: "file?.txt", "file10.txt" => false;
    docs_table_negated: "[!a]*", "b" => true;
    docs_table_negated_dotfile: "[!a]*", ".git" => true;
    docs_table_negated_excludes: "[!a]*", "a" => false;
    docs_table_negated_excludes_prefix: "[!a]*", "ab" => false;
    docs_table_empty_alternative: "x{,.bak}", "x" => true;
    docs_table_empty_alternative_other: "x{,.bak}", "x.bak" => true;
    docs_table_empty_alternative_neither: "x{,.bak}", "x.orig" => false;
}
