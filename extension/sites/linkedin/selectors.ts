/**
 * LinkedIn selector catalogue. Semantic hooks first (URL, `a[href*="/in/"]`, headings,
 * aria-*, data-*), dated class names after. Fixtures (test/fixtures/pages/): linkedin-profile-2024,
 * linkedin-guest-profile-2024, linkedin-search-2019-de, linkedin-search-2024,
 * linkedin-messaging-overlay-2023-es, linkedin-messaging-page-2024, linkedin-sales-navigator-lead-2024.
 */
import type { CatalogueSelector } from '../dom.ts';

// ---------------------------------------------------------------------------------------------
// Profile pages, /in/<slug>/ (the person is the page: slug from the URL, name from the h1)
// ---------------------------------------------------------------------------------------------

/**
 * A profile's own path: /in/<slug>/, or a language version /in/<slug>/en (guest "People also
 * viewed", 2024). Not /in/<slug>/overlay/..., /details/..., /recent-activity/...
 */
export const PROFILE_PATH = /^\/in\/[^/]+\/?(?:[a-z]{2}(?:[-_][a-z]{2})?\/?)?$/i;

/** The profile name heading. */
export const PROFILE_NAME: readonly CatalogueSelector[] = [
  // Logged-in profile top card (2024): section[data-member-id] > ... > h1.
  { id: 'linkedin.profile.name.member-card', css: 'section[data-member-id] h1' },
  // Logged-out (guest) profile top card (2024): h1.top-card-layout__title.
  { id: 'linkedin.profile.name.guest-card', css: 'section.top-card-layout h1, h1.top-card-layout__title' },
  // Any layout: the page's main heading.
  { id: 'linkedin.profile.name.main-h1', css: 'main h1' },
  { id: 'linkedin.profile.name.h1', css: 'h1' },
];

/** The headline under the name, searched inside the top card. */
export const PROFILE_HEADLINE: readonly CatalogueSelector[] = [
  // Logged-in top card (2024): the headline div carries data-generated-suggestion-target.
  { id: 'linkedin.profile.headline.suggestion-target', css: '[data-generated-suggestion-target]' },
  // Dated fallback, logged-in top card (2022-2024): div.text-body-medium.break-words.
  { id: 'linkedin.profile.headline.text-body-medium', css: 'div.text-body-medium.break-words' },
  // Dated fallback, guest top card (2024): h2.top-card-layout__headline. (Structural fallback in
  // index.ts: the first h2 after the name heading.)
  { id: 'linkedin.profile.headline.guest', css: 'h2.top-card-layout__headline' },
];

/** "Current company: Northwind Analytics. Click to skip to experience card" (logged-in, 2023-2024, English UI). */
export const CURRENT_COMPANY_LABEL_PREFIXES: readonly string[] = ['Current company: '];

/** The current company, searched inside the top card. */
export const PROFILE_COMPANY: readonly CatalogueSelector[] = [
  // Logged-in top card (2023-2024): button[aria-label^="Current company: "].
  {
    id: 'linkedin.profile.company.aria-label',
    css: CURRENT_COMPANY_LABEL_PREFIXES.map((p) => `button[aria-label^="${p}"]`).join(', '),
  },
  // Guest top card (2024): tracking name of the current-company link.
  { id: 'linkedin.profile.company.guest-link', css: 'a[data-tracking-control-name="public_profile_topcard-current-company"]' },
  // Guest top card (2024): the current positions block.
  { id: 'linkedin.profile.company.guest-section', css: '[data-section="currentPositionsDetails"] a' },
];

/** Where the public slug is when the URL carries a member URN instead (opened from messaging). */
export const PROFILE_SLUG_SOURCES: readonly CatalogueSelector[] = [
  // Logged-in top card (2024): "Contact info" link /in/<slug>/overlay/contact-info/.
  { id: 'linkedin.profile.slug.contact-info', css: 'a[href*="/in/"][href*="/overlay/contact-info"]' },
  // Guest profile (2024): <link rel="canonical" href="https://se.linkedin.com/in/<slug>">.
  { id: 'linkedin.profile.slug.canonical', css: 'link[rel="canonical"][href*="/in/"]' },
];

/** The top card: the nearest of these around the name heading bounds the headline and company search. */
export const PROFILE_TOP_CARD: readonly CatalogueSelector[] = [
  { id: 'linkedin.profile.top-card.member', css: 'section[data-member-id]' }, // logged-in 2024
  { id: 'linkedin.profile.top-card.guest', css: 'section.top-card-layout' }, // guest 2024 (class)
  { id: 'linkedin.profile.top-card.section', css: 'section' }, // any layout
];

// ---------------------------------------------------------------------------------------------
// People linked by public slug: search results, profile side panels, "People also viewed", feed
// ---------------------------------------------------------------------------------------------

/** Links to a profile. Only links whose path is exactly /in/<public slug>/ mark a person. */
export const PROFILE_LINK: readonly CatalogueSelector[] = [{ id: 'linkedin.link.profile', css: 'a[href*="/in/"]' }];

/** The name inside a profile link, in order of preference. */
export const LINK_NAME: readonly CatalogueSelector[] = [
  // 2020-2024 (profile side panels, newer search results, feed): a visible aria-hidden copy next to a visually-hidden one.
  { id: 'linkedin.link.name.aria-hidden', css: '[aria-hidden="true"]' },
  // Dated fallback, people search (2019): span.name.actor-name.
  { id: 'linkedin.link.name.actor-name', css: '.actor-name' },
  // Guest profile "People also viewed" cards (2024): h3 inside the link.
  { id: 'linkedin.link.name.card-heading', css: 'h3' },
];

/** The headline inside a profile link (after the name). */
export const LINK_HEADLINE_INSIDE: readonly CatalogueSelector[] = [
  // Guest "People also viewed" (2024): p.base-aside-card__subtitle.
  { id: 'linkedin.link.headline.paragraph', css: 'p' },
];

/** The card around a person link; card-level headline selectors apply when it holds one person. */
export const PERSON_CARD: readonly CatalogueSelector[] = [
  { id: 'linkedin.card.list-item', css: 'li' }, // search results 2019 and 2024, side panels 2024
  { id: 'linkedin.card.entity', css: '[data-view-name="profile-component-entity"]' }, // profile side panels 2024
  { id: 'linkedin.card.result-urn', css: '[data-chameleon-result-urn]' }, // people search 2022-2024
];

/** Headline in the card around the link (dated class names). */
export const CARD_HEADLINE: readonly CatalogueSelector[] = [
  { id: 'linkedin.card.headline.primary-subtitle', css: '.entity-result__primary-subtitle' }, // people search 2022-2024
  { id: 'linkedin.card.headline.subline', css: 'p.subline-level-1' }, // people search 2019
];

/** Markup hidden from sight that must not be read as a name. */
export const VISUALLY_HIDDEN = '.visually-hidden, .a11y-text, .sr-only';

// ---------------------------------------------------------------------------------------------
// Messaging: links carry member URNs (/in/ACoAA...), so people are matched by name + company
// ---------------------------------------------------------------------------------------------

/** One conversation. */
export const CONVERSATION: readonly CatalogueSelector[] = [
  { id: 'linkedin.messaging.conversation.wrapper', css: '.msg-convo-wrapper' }, // overlay bubble 2023, page 2024
  { id: 'linkedin.messaging.conversation.overlay', css: '.msg-overlay-conversation-bubble' }, // overlay bubble 2023
  { id: 'linkedin.messaging.conversation.thread', css: '.msg-thread' }, // messaging page 2024
];

/** Semantic fallback: a dialog holding message events (overlay 2023: data-event-urn="urn:li:msg_message:..."). */
export const CONVERSATION_DIALOG = '[role="dialog"]';
export const MESSAGE_EVENT = '[data-event-urn*="msg_message"]';
/** On /messaging/ pages the main region is the conversation when the classes above are gone. */
export const MESSAGING_PATH = /^\/messaging\//;
export const MESSAGING_PAGE_SCOPE = 'main';

/** Links to the other person in a conversation header: inside a heading (overlay 2023) or around one (page 2024). */
export const HEADER_HEADING = 'h1, h2, h3';

/** The counterpart's headline near their name link (profile card at the top of the thread). */
export const MESSAGING_HEADLINE: readonly CatalogueSelector[] = [
  // Overlay 2023, page 2024: the lockup subtitle is a div whose title repeats the headline.
  { id: 'linkedin.messaging.headline.title-attr', css: 'div[title], span[title], p[title]' },
  // Dated fallback: entity lockup subtitle class (2021-2024).
  { id: 'linkedin.messaging.headline.lockup-subtitle', css: '.artdeco-entity-lockup__subtitle' },
];

// ---------------------------------------------------------------------------------------------
// The signed-in member (never badged)
// ---------------------------------------------------------------------------------------------

export const OWNER_NAME: readonly CatalogueSelector[] = [
  // Global nav "Me" photo (2019-2024, class): alt is the member's name.
  { id: 'linkedin.owner.nav-photo', css: 'img.global-nav__me-photo[alt]' },
  // Messaging list bubble header photo (overlay 2023, class): alt is the member's name.
  { id: 'linkedin.owner.messaging-list-photo', css: '.msg-overlay-list-bubble header img[alt]' },
];

// ---------------------------------------------------------------------------------------------
// Sales Navigator (https://www.linkedin.com/sales/...): data-anonymize marks personal fields
// ---------------------------------------------------------------------------------------------

export const SALES_PATH = /^\/sales\//;

export const SALES_NAME: readonly CatalogueSelector[] = [
  // Lead page header and lead lists (2021-2024): data-anonymize="person-name".
  { id: 'linkedin.sales.name.anonymize', css: '[data-anonymize="person-name"]' },
  // Dated fallback, lead page header (2019-2021): .profile-topcard-person-entity__name.
  { id: 'linkedin.sales.name.topcard-class', css: '.profile-topcard-person-entity__name' },
];
export const SALES_COMPANY = '[data-anonymize="company-name"]';
export const SALES_TITLE = '[data-anonymize="job-title"]';
export const SALES_HEADLINE = '[data-anonymize="headline"]';

/** Containers whose insertion may carry a person (single-page navigation swaps these). */
export const WATCH_EXTRA = 'main, section, li, h1, [role="dialog"], [data-view-name], .msg-s-message-list__event';
