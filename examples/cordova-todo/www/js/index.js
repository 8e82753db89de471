/*
 * A todo list that works offline: the quickstart app with the Azure Mobile Apps offline sync
 * context. Items live in a local SQLite store (MobileServiceSqliteStore); adding, editing,
 * completing and deleting change the store and queue an operation; Refresh pushes the queue to
 * the backend and pulls the table back (incrementally, under a query id). A conflict, or any
 * other change the server refuses, is logged and resolved by keeping the server's version
 * (cancelAndDiscard); a push that got no answer at all is logged and left for the next Refresh.
 *
 * Offline, the tutorial's way: open the app with `?offline` and the client talks to an address
 * that cannot answer, so every sync fails and the queue keeps growing until the app is opened
 * normally again.
 */
(function () {
  'use strict';

  var APP_URL = 'https://cordova-todo.azurewebsites.net';
  var TABLE = 'todoitem';
  var QUERY_ID = 'allTodoItems';

  var client;
  var syncContext;
  var todoTable;
  var busy = 0;

  document.addEventListener('deviceready', onDeviceReady, false);

  function onDeviceReady() {
    var offline = /(?:^|[?&])offline(?:[=&]|$)/.test(window.location.search.slice(1));
    client = new WindowsAzure.MobileServiceClient(offline ? APP_URL + '-fail' : APP_URL);
    work(initializeStore().then(setup));
  }

  function initializeStore() {
    var store = new WindowsAzure.MobileServiceSqliteStore('todo.db');
    return store
      .defineTable({
        name: TABLE,
        columnDefinitions: { id: 'string', text: 'string', complete: 'boolean', version: 'string' },
      })
      .then(function () {
        syncContext = client.getSyncContext();
        syncContext.pushHandler = { onConflict: onConflict, onError: onError };
        return syncContext.initialize(store);
      });
  }

  function onConflict(pushError) {
    var server = pushError.getServerRecord();
    console.log(
      'Sync conflict on ' + pushError.getTableName() + ' ' + (server && server.id) + ': keeping the server version',
    );
    return pushError.cancelAndDiscard();
  }

  // The server refused the change (a deleted item, a bad request): log it and drop the change.
  // No answer at all (offline): keep it for the next refresh.
  function onError(pushError) {
    var error = pushError.getError();
    var status = error && error.request ? error.request.status : 0;
    if (status >= 400) {
      console.log('Sync error ' + status + ' on ' + pushError.getTableName() + ': dropping the change');
      return pushError.cancelAndDiscard();
    }
    console.log('Sync error: ' + (error && error.message) + ' (will retry on the next refresh)');
  }

  function setup() {
    todoTable = client.getSyncTable(TABLE);
    document.getElementById('add-item').addEventListener('submit', addItem);
    document.getElementById('refresh').addEventListener('click', refresh);
    document.getElementById('todo-items').addEventListener('change', itemChanged);
    document.getElementById('todo-items').addEventListener('click', itemClicked);
    return syncBackend().then(displayItems, displayItems);
  }

  // Push the local changes first, then pull: the server's answer to our own changes comes back too.
  function syncBackend() {
    setStatus('busy', 'Syncing…');
    return syncContext
      .push()
      .then(function () {
        return syncContext.pull(new WindowsAzure.Query(TABLE), QUERY_ID);
      })
      .then(
        function () {
          setStatus('idle', 'Up to date');
        },
        function (error) {
          setStatus('error', 'Sync failed: ' + ((error && error.message) || error) + ' — your changes are kept');
          throw error;
        },
      );
  }

  function refresh() {
    work(syncBackend().then(displayItems, displayItems));
  }

  function displayItems() {
    return todoTable.read().then(function (items) {
      items.sort(function (a, b) {
        return a.text < b.text ? -1 : a.text > b.text ? 1 : a.id < b.id ? -1 : 1;
      });
      var list = document.getElementById('todo-items');
      list.textContent = '';
      items.forEach(function (item) {
        list.appendChild(renderItem(item));
      });
      var open = items.filter(function (item) {
        return !item.complete;
      }).length;
      document.getElementById('summary').textContent = open + ' of ' + items.length + ' item(s) to do';
    });
  }

  function renderItem(item) {
    var li = document.createElement('li');
    li.dataset.id = item.id;
    li.className = item.complete ? 'complete' : '';
    var check = document.createElement('input');
    check.type = 'checkbox';
    check.className = 'item-complete';
    check.checked = !!item.complete;
    check.setAttribute('aria-label', 'Done: ' + item.text);
    var text = document.createElement('input');
    text.type = 'text';
    text.className = 'item-text';
    text.value = item.text;
    text.setAttribute('aria-label', 'Text of ' + item.text);
    var remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'item-delete';
    remove.textContent = 'Delete';
    remove.setAttribute('aria-label', 'Delete ' + item.text);
    li.appendChild(check);
    li.appendChild(text);
    li.appendChild(remove);
    return li;
  }

  function addItem(event) {
    event.preventDefault();
    var input = document.getElementById('new-item-text');
    var text = input.value.trim();
    if (text === '') return;
    input.value = '';
    work(todoTable.insert({ text: text, complete: false }).then(displayItems));
  }

  function itemChanged(event) {
    var li = event.target.closest('li');
    if (!li) return;
    var id = li.dataset.id;
    work(
      todoTable.lookup(id).then(function (item) {
        if (event.target.classList.contains('item-complete')) item.complete = event.target.checked;
        else if (event.target.classList.contains('item-text')) item.text = event.target.value;
        return todoTable.update(item).then(displayItems);
      }),
    );
  }

  function itemClicked(event) {
    if (!event.target.classList.contains('item-delete')) return;
    var id = event.target.closest('li').dataset.id;
    work(todoTable.del({ id: id }).then(displayItems));
  }

  // The status line says whether the app is still working, and shows what went wrong.
  function work(promise) {
    busy++;
    document.body.dataset.busy = String(busy);
    return promise
      .then(null, function (error) {
        if (document.getElementById('status').dataset.state !== 'error')
          setStatus('error', 'Error: ' + ((error && error.message) || error));
      })
      .then(function () {
        busy--;
        document.body.dataset.busy = String(busy);
      });
  }

  function setStatus(state, text) {
    var status = document.getElementById('status');
    status.dataset.state = state;
    status.textContent = text;
  }
})();
