/* After a submitted inspection the server redirects here with ?draft_done=<key>: drop the local draft copy. */
(function(){var k=new URLSearchParams(location.search).get("draft_done");if(!k)return;try{Object.keys(localStorage).forEach(function(n){if(n.indexOf("rhq-inspection-draft:")===0&&n.slice(-k.length)===k)localStorage.removeItem(n);});}catch(e){}})();
