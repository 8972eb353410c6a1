// Start GOV.UK Frontend's components (error summary focus, service navigation toggle, ...).
import { initAll } from '/assets/govuk/govuk-frontend.min.js'
import { initTimeoutWarning } from '/assets/core/timeout-warning.mjs'

initAll()
initTimeoutWarning()
