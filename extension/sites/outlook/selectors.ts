/**
 * Outlook on the web selector catalogue. Semantic hooks first, dated class names after.
 * Fixtures: test/fixtures/pages/outlook-reading-pane-2025.html, outlook-reading-pane-2025-de.html.
 */
import type { CatalogueSelector } from '../dom.ts';

/** Message list items (conversation view, 2019-2025): one per conversation. */
export const LIST_ITEM: readonly CatalogueSelector[] = [
  { id: 'outlook.list.item', css: '[role="option"][data-convid]' },
  // Same item when the role is dropped (list virtualisation variants, 2023-2025).
  { id: 'outlook.list.item-convid', css: '[data-convid]' },
];

/** Inside a list item: who the row is from. */
export const LIST_SENDER: readonly CatalogueSelector[] = [
  // Sender name span whose title is the address (2021-2025, all UI languages).
  { id: 'outlook.list.sender-title', css: '[title*="@"]' },
  // Dated fallback: sender text span class (2025 templates), used when its text is an address.
  { id: 'outlook.list.sender-class', css: 'span.OZZZK' },
];

/**
 * The reading pane sender's aria-label starts with a localised "From" (2023-2025):
 * en From, de Von, fr/es/pt De, it Da, nl Van, sv Från, da/no Fra, pl/cs Od, fi Lähettäjä,
 * hu Feladó, tr Kimden, ru От, uk Від, el Από, ja 差出人, zh-CN 发件人, zh-TW 寄件者, ko 보낸 사람.
 */
export const FROM_PREFIXES: readonly string[] = [
  'From', 'Von', 'De', 'Da', 'Van', 'Från', 'Fra', 'Od', 'Lähettäjä', 'Feladó', 'Kimden', 'От', 'Від', 'Από',
  '差出人', '发件人', '寄件者', '보낸 사람',
];

// "From: " everywhere; French typography puts a space before the colon ("De : "); CJK UIs use "：".
const FROM_LABEL_FORMS = (prefix: string): string[] => [`${prefix}: `, `${prefix} : `, `${prefix}\u00a0: `, `${prefix}：`];

export const FROM: readonly CatalogueSelector[] = [
  {
    id: 'outlook.pane.from-label',
    css: FROM_PREFIXES.flatMap(FROM_LABEL_FORMS).map((label) => `[aria-label^="${label}"]`).join(', '),
  },
  // Dated fallback: the sender button class in the reading pane header (2025 templates).
  { id: 'outlook.pane.from-class', css: 'span.o4zjZ' },
];

/** The reading pane recipient list (To/Cc), 2023-2025. */
export const RECIPIENTS: readonly CatalogueSelector[] = [
  { id: 'outlook.pane.recipients', css: '[data-testid="RecipientWell"]' },
  // Dated fallback: recipient well container class (2025 templates).
  { id: 'outlook.pane.recipients-class', css: 'div.kcAOr' },
];

/** Inside the recipient list: one element per recipient carrying the address (2023-2025). */
export const RECIPIENT_ADDRESS = '[title*="@"], [aria-label*="@"]';

/** The mailbox owner: the primary mailbox node of the folder pane, title = address (2022-2025). */
export const OWNER: readonly CatalogueSelector[] = [
  { id: 'outlook.owner.mailbox-root', css: '[id^="primaryMailboxRoot_"][title]' },
  { id: 'outlook.owner.mailbox-folder-name', css: '[id^="primaryMailboxRoot_"][data-folder-name]' },
];

/** Containers whose insertion may carry a person: the list, the reading pane, conversation view. */
export const WATCH_EXTRA = '[role="listbox"], [role="main"], [data-app-section="ConversationContainer"], [data-app-section="MailReadCompose"]';
