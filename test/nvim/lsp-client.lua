-- Headless Neovim 0.7 as a second real LSP client (run by test/nvim/neovim.test.ts).
-- Starts pydockerfile-language-server over stdio for buffers whose filetype is `dockerfile`, waits
-- for the published diagnostics, asks for code actions on the PYD201 finding, applies the quick fix,
-- then runs the first-line "Optimize this Dockerfile" action (applied by the server through
-- workspace/applyEdit), and writes what it saw as JSON to $PYD_NVIM_RESULT. Always quits, also on errors.
local result_path = os.getenv('PYD_NVIM_RESULT')
local server = os.getenv('PYD_NVIM_SERVER')
local node = os.getenv('PYD_NVIM_NODE')
local file = os.getenv('PYD_NVIM_FILE')
local WAIT_MS = 20000

local function write_result(result)
  local handle = assert(io.open(result_path, 'w'))
  handle:write(vim.json.encode(result))
  handle:close()
end

local function run()
  local result = { log = {} }
  vim.cmd('filetype on')
  local client_id = vim.lsp.start_client({
    name = 'pydockerfile',
    cmd = { node, server, '--stdio' },
    root_dir = vim.fn.fnamemodify(file, ':h'),
    -- includeUnsafe: the first-line Optimize also applies the decisions that are on by default.
    settings = { pydockerfile = { rules = { PYD405 = 'off' }, optimize = { includeUnsafe = true } } },
    -- Neovim 0.7 does not announce `workspace/configuration`, so the server reads settings from
    -- this notification (nvim-lspconfig sends it the same way).
    on_init = function(client)
      client.notify('workspace/didChangeConfiguration', { settings = client.config.settings })
    end,
  })
  assert(client_id, 'vim.lsp.start_client returned nil')
  -- What nvim-lspconfig does for a `filetypes = { 'dockerfile' }` server, with the 0.7 API.
  vim.api.nvim_create_autocmd('FileType', {
    pattern = 'dockerfile',
    callback = function(args)
      vim.lsp.buf_attach_client(args.buf, client_id)
    end,
  })
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  result.filetype = vim.bo[bufnr].filetype

  local got_diagnostics = vim.wait(WAIT_MS, function()
    return #vim.diagnostic.get(bufnr) > 0
  end, 50)
  local client = vim.lsp.get_client_by_id(client_id)
  result.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(result.diagnostics, {
      code = d.code, source = d.source, message = d.message, lnum = d.lnum, col = d.col, severity = d.severity,
    })
  end
  if not got_diagnostics then
    table.insert(result.log, 'no diagnostics within ' .. WAIT_MS .. ' ms')
    return result
  end

  -- Code actions for the PYD201 finding, with that diagnostic in the context (as the
  -- lightbulb of `vim.lsp.buf.code_action()` would send it).
  local target
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.code == 'PYD201' then target = d end
  end
  if not target then
    table.insert(result.log, 'no PYD201 diagnostic')
    return result
  end
  -- The request `vim.lsp.buf.code_action()` sends with the cursor on the finding: the cursor's
  -- range and the line's diagnostics in LSP form.
  vim.api.nvim_win_set_cursor(0, { target.lnum + 1, target.col })
  local params = vim.lsp.util.make_range_params()
  params.context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(bufnr) }
  local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, WAIT_MS)
  result.actions = {}
  local fix
  for _, response in pairs(responses or {}) do
    for _, action in ipairs(response.result or {}) do
      table.insert(result.actions, { title = action.title, kind = action.kind, isPreferred = action.isPreferred })
      if action.kind == 'quickfix' and action.edit and action.title:find('(PYD201)', 1, true) and not fix then
        fix = action
      end
    end
  end
  if fix then
    vim.lsp.util.apply_workspace_edit(fix.edit, client.offset_encoding or 'utf-16')
    result.applied = fix.title
  end
  result.lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)

  -- The server re-publishes for the edited text: PYD201 must go away.
  result.pyd201_cleared = vim.wait(WAIT_MS, function()
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if d.code == 'PYD201' then return false end
    end
    return true
  end, 50)

  -- On line 1 the same request lists the refactoring "Optimize this Dockerfile"; without our
  -- VS Code preview it runs a server command that applies the proposal with workspace/applyEdit.
  vim.api.nvim_win_set_cursor(0, { 1, 0 })
  local first = vim.lsp.util.make_range_params()
  first.context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(bufnr) }
  local first_responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', first, WAIT_MS)
  result.first_line_actions = {}
  local optimize
  for _, response in pairs(first_responses or {}) do
    for _, action in ipairs(response.result or {}) do
      local command = type(action.command) == 'table' and action.command or nil
      table.insert(result.first_line_actions, {
        title = action.title, kind = action.kind, command = command and command.command,
      })
      if command and command.command == 'pydockerfile.server.optimizeApply' and not optimize then
        optimize = command
      end
    end
  end
  if not optimize then return result end
  -- The server answers once nvim has applied (or refused) its workspace/applyEdit request.
  local response = client.request_sync('workspace/executeCommand', {
    command = optimize.command, arguments = optimize.arguments,
  }, WAIT_MS, bufnr)
  if not response or response.err then
    table.insert(result.log, 'executeCommand failed: ' .. vim.inspect(response and response.err or 'timeout'))
  end
  result.optimized = vim.wait(WAIT_MS, function()
    for _, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
      if line:match('^USER ') then return true end
    end
    return false
  end, 50)
  result.optimized_lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  return result
end

local ok, outcome = pcall(run)
if ok then
  write_result(outcome)
else
  write_result({ error = tostring(outcome) })
end
-- Stop the server before quitting, so no orphan process is left behind.
vim.lsp.stop_client(vim.lsp.get_active_clients(), true)
vim.cmd('qa!')
