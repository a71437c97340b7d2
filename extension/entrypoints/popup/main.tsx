// The toolbar popup: asks the service worker for its status (rules, leads, "my SLA queue").
import { render } from 'preact';
import { browser } from 'wxt/browser';
import { sendMessage } from '../../lib/messaging';
import { PopupApp } from './PopupApp';
import './style.css';

render(
  <PopupApp
    status={() => sendMessage('status', {})}
    openOptions={() => {
      void browser.runtime.openOptionsPage();
      window.close();
    }}
  />,
  document.getElementById('app')!,
);
