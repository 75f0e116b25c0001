//! A Zed dev extension that starts `parsl-lint server` (found on the worktree's PATH, e.g. the
//! project's activated virtualenv) for Python files. Settings under `lsp.parsl-lint` in Zed's
//! settings.json are sent as the server's initialization options and configuration.

use zed_extension_api::{self as zed, serde_json, settings::LspSettings, LanguageServerId, Result};

struct ParslLint;

impl zed::Extension for ParslLint {
    fn new() -> Self {
        ParslLint
    }

    fn language_server_command(
        &mut self,
        _id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        let command = worktree
            .which("parsl-lint")
            .ok_or_else(|| "parsl-lint is not on PATH: pip install parsl-lint".to_string())?;
        Ok(zed::Command {
            command,
            args: vec!["server".to_string()],
            env: worktree.shell_env(),
        })
    }

    fn language_server_initialization_options(
        &mut self,
        id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<serde_json::Value>> {
        Ok(LspSettings::for_worktree(id.as_ref(), worktree)?.initialization_options)
    }

    fn language_server_workspace_configuration(
        &mut self,
        id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<serde_json::Value>> {
        Ok(LspSettings::for_worktree(id.as_ref(), worktree)?.settings)
    }
}

zed::register_extension!(ParslLint);
