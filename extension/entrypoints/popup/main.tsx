import { render } from 'preact';

function Popup() {
  return <main>Leadpact</main>;
}
render(<Popup />, document.getElementById('app')!);
