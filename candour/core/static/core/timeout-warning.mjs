// The timeout warning (GOV.UK pattern): a modal <dialog> that opens shortly before the
// sign-out, counts down, and lets the user stay signed in. The server's clock is the truth:
// the module asks it before warning and before leaving, since another tab may have kept the
// session alive. Near the session's absolute limit (8 hours from sign-in) staying cannot
// help: the dialog then says so and offers "Continue", which closes it until the end.
// Without JavaScript the <dialog> stays closed.

const TICK_MS = 1000

// "2 minutes", "1 minute", "59 seconds", "1 second": whole minutes rounded up, as GOV.UK does.
export function describeTime (seconds) {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60)
    return `${minutes} minute${minutes === 1 ? '' : 's'}`
  }
  return `${seconds} second${seconds === 1 ? '' : 's'}`
}

// Screen readers hear the time when the dialog opens, at each whole minute and every 15
// seconds in the last minute, not every second.
function shouldAnnounce (seconds) {
  return seconds >= 60 ? seconds % 60 === 0 : seconds % 15 === 0
}

export class TimeoutWarning {
  constructor (dialog) {
    this.dialog = dialog
    const data = dialog.dataset
    this.idleMs = Number(data.idleSeconds) * 1000
    this.warningMs = Number(data.warningSeconds) * 1000
    this.keepAliveUrl = data.keepAliveUrl
    this.signedOutUrl = data.signedOutUrl
    this.canStay = data.canStay !== 'false'
    this.countdown = dialog.querySelector('[data-timeout-countdown]')
    this.announcement = dialog.querySelector('[data-timeout-announcement]')
    this.stayButton = dialog.querySelector('[data-timeout-stay]')
    this.continueButton = dialog.querySelector('[data-timeout-continue]')
    this.limitText = dialog.querySelector('[data-timeout-limit]')
    this.csrfToken = dialog.querySelector('input[name="csrfmiddlewaretoken"]').value
    this.warning = false
    this.busy = false
    this.staying = false
    this.timer = null
    this.ticker = null
    this.returnFocus = null
    this.lastText = ''
    // At the absolute limit the user chose to carry on until the end: no more warnings.
    this.dismissed = false

    this.stayButton.addEventListener('click', () => this.stay())
    this.continueButton.addEventListener('click', () => this.dismiss())
    // Esc means "Stay signed in". If the browser closes the dialog itself (a second Esc),
    // the close event does the same.
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault()
      this.stay()
    })
    dialog.addEventListener('close', () => {
      if (this.warning) this.stay()
    })
    this.schedule(Number(data.remainingSeconds) * 1000)
  }

  schedule (remainingMs) {
    this.deadline = Date.now() + remainingMs
    clearTimeout(this.timer)
    this.timer = setTimeout(() => this.check(), Math.max(0, remainingMs - this.warningMs))
  }

  // The seconds the server has left, or null once the session has ended; undefined if the
  // server cannot be reached (then the local clock decides). Also learns whether staying
  // signed in would still give more time.
  async serverRemaining () {
    try {
      const response = await fetch(this.keepAliveUrl, {
        headers: { Accept: 'application/json' },
        credentials: 'same-origin',
        cache: 'no-store',
        redirect: 'manual'
      })
      if (response.status !== 200) return null
      const body = await response.json()
      if (typeof body.can_stay === 'boolean') this.canStay = body.can_stay
      return Number(body.seconds_remaining)
    } catch {
      return undefined
    }
  }

  async check () {
    if (this.busy) return
    this.busy = true
    try {
      let seconds = await this.serverRemaining()
      if (seconds === undefined) {
        seconds = Math.ceil((this.deadline - Date.now()) / 1000)
        if (seconds <= 0) return this.leave()
      }
      if (seconds === null) {
        this.leave()
      } else if (seconds * 1000 > this.warningMs) {
        this.dismissed = false
        this.close()
        this.schedule(seconds * 1000)
      } else if (this.dismissed && !this.canStay) {
        // Ask again at the end (and every second after, until the server has ended it).
        this.deadline = Date.now() + seconds * 1000
        clearTimeout(this.timer)
        this.timer = setTimeout(() => this.check(), Math.max(1000, seconds * 1000))
      } else {
        // At 0 the server has not quite ended the session: the next tick asks again.
        this.deadline = Date.now() + seconds * 1000
        this.open()
      }
    } finally {
      this.busy = false
    }
  }

  open () {
    this.stayButton.hidden = !this.canStay
    this.continueButton.hidden = this.canStay
    this.limitText.hidden = this.canStay
    if (!this.warning) {
      this.warning = true
      this.returnFocus = document.activeElement
      this.update(true)
      this.dialog.showModal()
      this.dialog.focus()
      this.ticker = setInterval(() => this.tick(), TICK_MS)
    }
  }

  tick () {
    if (Date.now() >= this.deadline) {
      // Time is up here; the server decides (the session may just have been kept alive).
      this.check()
    } else {
      this.update(false)
    }
  }

  update (opening) {
    const seconds = Math.max(0, Math.ceil((this.deadline - Date.now()) / 1000))
    const text = describeTime(seconds)
    this.countdown.textContent = text
    if (text !== this.lastText && (opening || shouldAnnounce(seconds))) {
      this.announcement.textContent = `For your security, we will sign you out in ${text}.`
    }
    this.lastText = text
  }

  close () {
    clearInterval(this.ticker)
    if (!this.warning) return
    this.warning = false
    this.dialog.close()
    if (this.returnFocus && this.returnFocus.isConnected) this.returnFocus.focus()
  }

  // "Continue" at the absolute limit: close the warning and let the time run out.
  dismiss () {
    this.dismissed = true
    this.close()
    const remaining = Math.max(0, this.deadline - Date.now())
    clearTimeout(this.timer)
    this.timer = setTimeout(() => this.check(), Math.max(1000, remaining))
  }

  async stay () {
    if (!this.canStay) return this.dismiss()
    if (this.staying) return
    this.staying = true
    try {
      const response = await fetch(this.keepAliveUrl, {
        method: 'POST',
        headers: { 'X-CSRFToken': this.csrfToken },
        credentials: 'same-origin',
        cache: 'no-store',
        redirect: 'manual'
      })
      if (response.status === 204) {
        this.close()
        // A fresh idle period, unless the absolute limit comes first: the server says.
        this.schedule(this.idleMs)
        this.check()
      } else {
        this.leave()
      }
    } catch {
      // Not reachable: keep the warning open, so the user can try again.
    } finally {
      this.staying = false
    }
  }

  leave () {
    clearTimeout(this.timer)
    clearInterval(this.ticker)
    this.warning = false
    window.location.assign(this.signedOutUrl)
  }
}

export function initTimeoutWarning (root = document) {
  const dialog = root.querySelector('[data-module="candour-timeout-warning"]')
  if (!dialog || typeof dialog.showModal !== 'function') return null
  return new TimeoutWarning(dialog)
}
