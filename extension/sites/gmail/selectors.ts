/**
 * Gmail selector catalogue. Semantic hooks first, dated class names after.
 * Fixtures: test/fixtures/pages/gmail-threadlist-2014.html, gmail-message-2024.html.
 */
import type { CatalogueSelector } from '../dom.ts';

/** Elements that mark one person each. */
export const PERSON: readonly CatalogueSelector[] = [
  // Thread list rows (classic and vertical preview layouts, Dec 2014 - Jan 2015, unchanged through
  // 2024: span.yP read rows, span.zF unread rows) and opened messages (sender span.gD, recipients
  // span.g2, 2016-2024): every person chip carries the address in [email] and the display name in [name].
  { id: 'gmail.person.email-attr', css: '[email]' },
  // Opened message chips (2019-2024): the address in data-hovercard-id when [email] is absent. Only
  // spans: the sender's avatar img carries the same attribute and is not a place for a badge.
  { id: 'gmail.person.hovercard-id', css: 'span[data-hovercard-id*="@"]' },
  // Dated fallback, class names of person chips: yP read row sender (2014), zF unread row sender
  // (2014), gD message sender (2016-2024), g2 message recipient (2016-2024). Used only when the chip's
  // title or text still holds an address.
  { id: 'gmail.person.chip-class', css: 'span.yP, span.zF, span.gD, span.g2' },
];

/** Where the signed-in account (the mailbox owner) is named. */
export const OWNER: readonly CatalogueSelector[] = [
  // Google bar account button (2019-2024): aria-label "Google Account: Name\n(address)", href to SignOutOptions.
  { id: 'gmail.owner.account-link', css: 'a[href*="accounts.google.com/SignOutOptions"][aria-label]' },
  // Same button when the href changes (2019-2024, English UI).
  { id: 'gmail.owner.account-label', css: '[aria-label^="Google Account: "]' },
];

/**
 * The [name] Gmail gives the owner's own chips in thread rows ("me", 2014-2024), per UI language:
 * en, de, fr, es, pt, it, nl, sv, da, no, ru.
 */
export const OWNER_ME_NAMES: readonly string[] = ['me', 'ich', 'moi', 'yo', 'eu', 'io', 'ik', 'jag', 'mig', 'meg', 'я'];

/** document.title of every Gmail view (2012-2024): "<view> - <owner address> - Gmail". */
export const OWNER_TITLE = /\s[-–]\s([^\s]+@[^\s]+)\s[-–]\s[^-–]*Gmail\s*$/;

/**
 * Elements whose insertion may carry a person: the chips themselves, thread-list rows
 * (tr.zA 2014; [role=row] 2019-2024), opened messages ([role=listitem] 2016-2024) and the main view.
 */
export const WATCH_EXTRA = 'tr, [role="row"], [role="listitem"], [role="main"]';
